import Datasets

/// How rows are dealt into folds.
public enum SplitStrategy: String, Sendable, Codable, CaseIterable {
    /// Shuffled K-fold; the first `n % K` folds get one extra row (scikit-learn `KFold(shuffle=True)`).
    case random
    /// Per-concept proportions kept in every fold (scikit-learn `StratifiedKFold` allocation).
    case stratified
    /// A group never appears in two folds (scikit-learn `GroupKFold`, balanced by group size).
    case group
    /// Iterative stratification for multi-label data (Sechidis, Tsoumakas and Vlahavas, 2011).
    case multilabel
}

/// The seeded assignment of every row to a fold, for each repeat.
///
/// A plan depends on the dataset and `(strategy, folds, repeats, seed)` only, so any process holding
/// the same dataset computes the same plan (`FoldPlanner.plan`). Every row is tested exactly once per
/// repeat.
public struct FoldPlan: Sendable, Codable, Equatable {
    public let strategy: SplitStrategy
    public let folds: Int
    public let repeats: Int
    public let seed: UInt64
    /// `assignments[r][i]` is the fold (0..<folds) of row `i` in repeat `r`.
    public let assignments: [[Int32]]

    public init(strategy: SplitStrategy, folds: Int, repeats: Int, seed: UInt64, assignments: [[Int32]]) {
        precondition(assignments.count == repeats, "one assignment per repeat")
        self.strategy = strategy
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
        self.assignments = assignments
    }

    /// Number of rows the plan covers.
    public var rowCount: Int { assignments.first?.count ?? 0 }

    /// Rows held out in fold `fold` of repeat `repeat`, in increasing order.
    public func testRows(repeat r: Int, fold: Int) -> [Int] {
        let target = Int32(fold)
        var rows: [Int] = []
        for (i, f) in assignments[r].enumerated() where f == target { rows.append(i) }
        return rows
    }

    /// Rows trained on for fold `fold` of repeat `repeat`, in increasing order.
    public func trainRows(repeat r: Int, fold: Int) -> [Int] {
        let target = Int32(fold)
        var rows: [Int] = []
        rows.reserveCapacity(rowCount)
        for (i, f) in assignments[r].enumerated() where f != target { rows.append(i) }
        return rows
    }
}
