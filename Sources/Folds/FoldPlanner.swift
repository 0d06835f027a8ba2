import Datasets

/// Computes fold plans: the seeded, reproducible assignment of every row to a fold, per repeat.
///
/// A plan is a pure function of the dataset's rows, concept matrix and groups and of
/// `(strategy, folds, repeats, seed)`: features, ids, `source`, the machine and the Swift version do
/// not change it, so a coordinator and its workers compute the same plan. docs/FOLDS.md describes
/// each strategy exactly and where it matches or departs from scikit-learn.
public enum FoldPlanner {
    /// Checks `--folds` and `--repeats` on their own, so a command line can reject them before it
    /// reads any dataset. `plan` runs the same checks.
    ///
    /// - Throws: `FoldUsageError` with `.tooFewFolds` when `folds < 2`, `.tooFewRepeats` when
    ///   `repeats < 1`.
    public static func checkArguments(folds: Int, repeats: Int) throws(FoldUsageError) {
        if folds < 2 {
            throw FoldUsageError(
                .tooFewFolds, "--folds must be at least 2 (one fold to test, one to train), got \(folds)",
                fix: "Use --folds 2 or more; 5 is the default")
        }
        if repeats < 1 {
            throw FoldUsageError(
                .tooFewRepeats, "--repeats must be at least 1, got \(repeats)",
                fix: "Use --repeats 1 or more; 1 is the default")
        }
    }

    /// The plan dealing the rows of `dataset` into `folds` folds, `repeats` times; repeat `r` draws
    /// from `SeededRandom(seed: seed, repeat: r)` alone.
    ///
    /// - Parameter source: the dataset's file name as the user gave it, used in messages only.
    /// - Throws: `FoldPlanError.usage` for `folds < 2`, `repeats < 1`, `stratified` on rows that do
    ///   not have exactly one concept in a multi-label dataset, and `group` without a group column.
    ///   `FoldPlanError.dataset` for an empty dataset (`empty-dataset`), a row without a concept in an
    ///   exclusive dataset under `stratified` (`missing-label`), and `too-many-folds` when `folds`
    ///   exceeds the rows, the distinct groups (`group`), or the positives of the smallest concept
    ///   (`stratified`, `multilabel`; concepts without positives are not counted).
    public static func plan(
        for dataset: Dataset, strategy: SplitStrategy, folds: Int, repeats: Int, seed: UInt64, source: String
    ) throws(FoldPlanError) -> FoldPlan {
        do {
            try checkArguments(folds: folds, repeats: repeats)
        } catch {
            throw .usage(error)
        }
        let splitter = try splitter(for: dataset, strategy: strategy, folds: folds, source: source)
        let assignments = (0..<repeats).map { r in
            var random = SeededRandom(seed: seed, repeat: r)
            return splitter.assign(using: &random)
        }
        return FoldPlan(strategy: strategy, folds: folds, repeats: repeats, seed: seed, assignments: assignments)
    }

    /// Checks that `dataset` can be split this way and prepares the splitter.
    static func splitter(
        for dataset: Dataset, strategy: SplitStrategy, folds: Int, source: String
    ) throws(FoldPlanError) -> any FoldSplitter {
        let check = FoldRequirements(dataset: dataset, folds: folds, source: source)
        try check.isNotEmpty()
        let splitter: any FoldSplitter
        switch strategy {
        case .random:
            splitter = RandomSplitter(rowCount: dataset.rowCount, folds: folds)
        case .stratified:
            let classOfRow = try check.exclusiveConcepts()
            try check.smallestConceptCoversFolds()
            splitter = StratifiedSplitter(classOfRow: classOfRow, folds: folds)
        case .group:
            let groups = try check.groups()
            splitter = GroupSplitter(groups: groups, folds: folds)
        case .multilabel:
            try check.smallestConceptCoversFolds()
            splitter = MultilabelSplitter(dataset: dataset, folds: folds)
        }
        try check.hasEnoughRows()
        return splitter
    }
}
