import Datasets
import Evaluation
import TestSupport

/// Results the report tests render.
enum Fixtures {
    /// Six inputs, concepts A and B, two folds (the hand-worked example of the evaluation tests).
    static let handDataset = Dataset(
        featureCount: 1, features: [0, 0, 0, 0, 0, 0], concepts: ["A", "B"],
        labels: [1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1],
        ids: ["r0", "r1", "r2", "r3", "r4", "r5"], isMultiLabel: false
    )
    static let handPredictions = [
        FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2], scores: [0.9, 0.1, 0.3, 0.7, 0.4, 0.6], conceptCount: 2),
        FoldPredictions(repeatIndex: 0, fold: 1, rows: [3, 4, 5], scores: [0.6, 0.4, 0.2, 0.8, 0.1, 0.9], conceptCount: 2),
    ]

    static let run = RunDescription(
        model: "logistic", modelParameters: ["l2": "0.01", "iterations": "200"], seed: 7, split: "stratified",
        folds: 5, repeats: 2, threshold: 0.5,
        dataset: .init(path: "examples/digits.csv", sha256: String(repeating: "0f", count: 32), rows: 400),
        wallTime: .seconds(3),
        tasks: [.init(repeatIndex: 1, fold: 3, worker: "host-b/2", duration: .milliseconds(420))],
        toolVersion: "0.1.0"
    )

    static func handResult() throws -> EvaluationResult {
        try Evaluator.evaluate(dataset: handDataset, predictions: handPredictions, folds: 2)
    }

    /// 400 inputs, 4 concepts, 5 folds × 2 repeats.
    static func realisticResult(multiLabel: Bool = false) throws -> EvaluationResult {
        let fixture = realisticFixture(multiLabel: multiLabel)
        return try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 5, repeats: 2)
    }

    /// The dataset `realisticResult` evaluated.
    static func realisticDataset(multiLabel: Bool = false) throws -> Dataset {
        realisticFixture(multiLabel: multiLabel).dataset
    }

    private static func realisticFixture(multiLabel: Bool) -> EvaluationFixture {
        EvaluationFixture.make(rows: 400, concepts: 4, multiLabel: multiLabel, folds: 5, repeats: 2, seed: 99)
    }
}
