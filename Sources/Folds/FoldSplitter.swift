/// One way of dealing rows into folds, prepared once from a dataset and then asked for one
/// assignment per repeat, each with that repeat's generator.
///
/// Preparation holds everything that does not depend on the seed (class and group tables), so `R`
/// repeats cost one preparation and `R` cheap assignments.
protocol FoldSplitter {
    /// The fold (0..<folds) of every row, drawing randomness only from `random`.
    func assign(using random: inout SeededRandom) -> [Int32]
}

/// Sizes of `folds` near-equal parts of `count` items: `count / folds` each, the first
/// `count % folds` parts one larger (scikit-learn `KFold`).
func balancedPartSizes(count: Int, folds: Int) -> [Int] {
    (0..<folds).map { count / folds + ($0 < count % folds ? 1 : 0) }
}
