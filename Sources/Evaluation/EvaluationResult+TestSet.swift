import Datasets

/// Which inputs `test_set` lists, and the dataset their true concepts come from.
public struct TestSetSource: Sendable {
    public enum Scope: String, Sendable, CaseIterable, Codable {
        /// One split, as Clarifai: the first task's held-out inputs (in holdout mode, the holdout
        /// inputs), at most `EvaluationResult.testSetCap`.
        case split
        /// Every input, with its out-of-fold prediction from the first repeat.
        case all
    }

    /// The evaluated dataset (the holdout dataset in holdout mode), for the inputs' true concepts.
    public var dataset: Dataset
    public var scope: Scope

    public init(dataset: Dataset, scope: Scope) {
        self.dataset = dataset
        self.scope = scope
    }
}

extension EvaluationResult {
    /// Clarifai's cap on one split's inputs ("a single split will be capped at 1,000 inputs").
    public static let testSetCap = 1000

    /// One `test_set` entry per listed input, in input order: its id, every concept's predicted
    /// probability sorted from the highest (ties in dataset order), and its true concepts.
    func testSetEntries(_ source: TestSetSource) -> [EvalTestSetEntry] {
        guard let predictions = outOfFold.first, source.dataset.rowCount == rowCount else { return [] }
        let rows: [Int]
        switch source.scope {
        case .all:
            rows = Array(0..<rowCount)
        case .split:
            var held: [Int] = []
            for row in 0..<rowCount where predictions.folds[row] == 0 {
                held.append(row)
                if held.count == Self.testSetCap { break }
            }
            rows = held
        }
        return rows.map { row in
            let scores = Array(predictions.scores(row: row))
            let ranked = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            return EvalTestSetEntry(
                input: EvalInput(id: inputIDs[row]),
                predictedConcepts: ranked.map { Concept(id: concepts[$0], name: concepts[$0], value: Double(scores[$0])) },
                groundTruthConcepts: concepts.indices
                    .filter { source.dataset.isPositive(row: row, concept: $0) }
                    .map { Concept(id: concepts[$0], name: concepts[$0], value: 1) })
        }
    }
}
