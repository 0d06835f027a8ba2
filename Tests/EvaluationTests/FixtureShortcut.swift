import TestSupport

/// The fixture most tests use: 240 exclusive inputs, 4 concepts, 5 folds.
enum EvaluationFixtureShortcut {
    static func make(repeats: Int = 1, multiLabel: Bool = false, seed: UInt64 = 11) -> EvaluationFixture {
        EvaluationFixture.make(rows: 240, concepts: 4, multiLabel: multiLabel, folds: 5, repeats: repeats, seed: seed)
    }
}
