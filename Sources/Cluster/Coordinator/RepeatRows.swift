import Folds
import Learners
import Synchronization

/// The held-out rows of every fold of one repeat of a plan, and the fold of every row as one byte
/// each: what each TASK of that repeat carries and each RESULT is checked against, computed in
/// one pass over the repeat instead of a scan of every row of the plan per task and per result
/// (10 million rows × 100 tasks was seconds of the event loop).
struct RepeatRows: Sendable {
    let repeatIndex: Int
    /// Rows grouped by fold, increasing within a fold; fold `f`'s are `rows[starts[f]..<starts[f + 1]]`.
    let rows: [Int32]
    let starts: [Int]
    /// The fold of every row, for learners fitted from per-fold sums; nil past
    /// `FoldPartitions.maximumFolds` folds.
    let rowFolds: [UInt8]?

    init(plan: FoldPlan, repeatIndex: Int) {
        let assignments = plan.assignments[repeatIndex]
        var starts = [Int](repeating: 0, count: plan.folds + 1)
        for fold in assignments { starts[Int(fold) + 1] += 1 }
        for f in 0..<plan.folds { starts[f + 1] += starts[f] }
        var next = Array(starts.dropLast())
        var rows = [Int32](repeating: 0, count: assignments.count)
        for (row, fold) in assignments.enumerated() {
            rows[next[Int(fold)]] = Int32(row)
            next[Int(fold)] += 1
        }
        self.repeatIndex = repeatIndex
        self.rows = rows
        self.starts = starts
        rowFolds = FoldPartitions.rowFolds(folds: plan.folds, assignments: assignments)
    }

    func testRows(fold: Int) -> ArraySlice<Int32> { rows[starts[fold]..<starts[fold + 1]] }
}

/// The `RepeatRows` of the repeat a job's tasks last asked for: tasks go out and come back mostly
/// in repeat order (a sweep's configurations go through the repeats again), so one is enough, and
/// a job never holds more than one repeat's worth beside its plan.
final class RepeatRowsCache: Sendable {
    private let latest = Mutex<RepeatRows?>(nil)

    func rows(of plan: FoldPlan, repeat repeatIndex: Int) -> RepeatRows {
        if let found = latest.withLock({ $0 }), found.repeatIndex == repeatIndex { return found }
        let made = RepeatRows(plan: plan, repeatIndex: repeatIndex)
        latest.withLock { $0 = made }
        return made
    }
}
