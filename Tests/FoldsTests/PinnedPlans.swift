import Datasets
import Folds

/// One small plan per strategy (K = 3, seed 2024), pinned so any change to an algorithm or to the
/// generator shows up as a changed plan: such a change moves every user's folds and belongs in the
/// release notes. `SpecTranscriptionTests` recomputes these from docs/FOLDS.md in Python.
enum PinnedPlans {
    static let dataset = Fixtures.exclusive(
        [0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1], groups: ["a", "b", "a", "c", "d", "b", "e", "c", "f", "d", "e", "f"])

    static let small: [SplitStrategy: [Int32]] = [
        .random: [2, 2, 1, 2, 1, 1, 1, 0, 0, 2, 0, 0],
        .stratified: [1, 0, 2, 2, 1, 1, 0, 0, 0, 1, 2, 2],
        .group: [0, 1, 0, 0, 2, 1, 2, 0, 1, 2, 2, 1],
        .multilabel: [1, 0, 1, 1, 0, 1, 2, 2, 0, 2, 0, 2],
    ]
}
