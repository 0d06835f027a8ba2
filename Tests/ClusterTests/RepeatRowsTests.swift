@testable import Cluster
import Folds
import Testing

/// The coordinator's per-repeat index of a plan (`RepeatRows`) gives what a scan of the plan gives.
@Suite struct RepeatRowsTests {
    static func plan(folds: Int, rows: Int, repeats: Int) -> FoldPlan {
        var random = SplitMix64(seed: 5)
        let assignments = (0..<repeats).map { _ in (0..<rows).map { _ in Int32(random.next() % UInt64(folds)) } }
        return FoldPlan(strategy: .random, folds: folds, repeats: repeats, seed: 5, assignments: assignments)
    }

    @Test(arguments: [2, 5, 256, 300])
    func everyFoldsRowsAndTheRowFoldsAreThePlans(folds: Int) {
        let plan = Self.plan(folds: folds, rows: 2_000, repeats: 3)
        let cache = RepeatRowsCache()
        for r in [0, 2, 1, 1] {
            let index = cache.rows(of: plan, repeat: r)
            #expect(index.repeatIndex == r)
            for fold in 0..<folds {
                #expect(index.testRows(fold: fold).map { Int($0) } == plan.testRows(repeat: r, fold: fold))
            }
            #expect(index.rowFolds == (folds <= 256 ? plan.assignments[r].map { UInt8($0) } : nil))
        }
    }
}
