import Datasets
import Folds
import Testing
import TestSupport

/// The planner against `FoldSpecTranscription`, an independent reading of docs/FOLDS.md.
@Suite struct SpecTranscriptionTests {
    static func encode(_ dataset: Dataset, _ strategy: SplitStrategy, folds: Int, repeats: Int, seed: UInt64) -> String {
        var text = "\(strategy.rawValue) \(folds) \(repeats) \(seed) \(dataset.rowCount) \(dataset.conceptCount)\n"
        for row in 0..<dataset.rowCount {
            let concepts = (0..<dataset.conceptCount).filter { dataset.isPositive(row: row, concept: $0) }
            text += (concepts.isEmpty ? "-" : concepts.map(String.init).joined(separator: ","))
            text += " " + (dataset.groups?[row] ?? "-") + "\n"
        }
        return text
    }

    @Test func plannerFollowsTheDocumentedAlgorithmsDrawForDraw() async throws {
        let exclusive = Fixtures.exclusive(
            Fixtures.interleavedLabels(counts: [23, 11, 40, 17]),
            groups: Fixtures.interleavedLabels(counts: [9, 9, 9, 4, 4, 10, 13, 13, 1, 2, 7, 7, 3]).map { "g\($0)" })
        let multiLabel = Fixtures.multiLabel(
            Fixtures.randomMultiLabelRows(count: 240, rates: [0.45, 0.3, 0.2, 0.12, 0.3, 0.05], scramble: 17),
            conceptCount: 6)
        var cases: [(Dataset, SplitStrategy, Int, Int, UInt64)] = []
        for strategy in SplitStrategy.allCases {
            cases.append((exclusive, strategy, 5, 2, 42))
            cases.append((exclusive, strategy, 3, 1, .max))
        }
        for strategy in [SplitStrategy.random, .multilabel] {
            cases.append((multiLabel, strategy, 4, 3, 7))
            cases.append((multiLabel, strategy, 7, 1, 0))
        }
        let input = cases.map { Self.encode($0.0, $0.1, folds: $0.2, repeats: $0.3, seed: $0.4) }.joined()
        let output = try await PythonOracle.run(FoldSpecTranscription.script, input: input)
        var theirs = output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int32($0) } }[...]
        for (dataset, strategy, folds, repeats, seed) in cases {
            let plan = try makePlan(dataset, strategy, folds: folds, repeats: repeats, seed: seed)
            for r in 0..<repeats {
                let reference = theirs.popFirst()
                #expect(plan.assignments[r] == reference, "\(strategy) K=\(folds) seed=\(seed) repeat \(r)")
            }
        }
        #expect(theirs.isEmpty)
    }

    @Test func pinnedPlansFollowTheDocumentedAlgorithms() async throws {
        var input = ""
        for strategy in SplitStrategy.allCases {
            input += Self.encode(PinnedPlans.dataset, strategy, folds: 3, repeats: 1, seed: 2024)
        }
        let output = try await PythonOracle.run(FoldSpecTranscription.script, input: input)
        let theirs = output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int32($0) } }
        #expect(theirs == SplitStrategy.allCases.map { PinnedPlans.small[$0] })
    }
}
