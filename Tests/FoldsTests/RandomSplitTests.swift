import Datasets
import Folds
import Testing

@Suite struct RandomSplitTests {
    @Test(arguments: [(10, 3), (11, 5), (100, 7), (5, 5), (2, 2), (103, 10)])
    func foldSizesFollowKFold(rows: Int, folds: Int) throws {
        let dataset = Fixtures.exclusive((0..<rows).map { $0 % 2 })
        let plan = try makePlan(dataset, .random, folds: folds, repeats: 2)
        #expect(plan.isPartition(rowCount: rows))
        // scikit-learn KFold: n // K each, the first n % K folds one larger.
        let expected = (0..<folds).map { rows / folds + ($0 < rows % folds ? 1 : 0) }
        #expect(plan.foldSizes(repeat: 0) == expected)
        #expect(plan.foldSizes(repeat: 1) == expected)
    }

    @Test func shufflesRowsRatherThanCuttingBlocks() throws {
        let dataset = Fixtures.exclusive((0..<60).map { $0 % 3 })
        let plan = try makePlan(dataset, .random, folds: 3)
        let contiguous = (0..<60).map { Int32($0 / 20) }
        #expect(plan.assignments[0] != contiguous)
    }

    @Test func ignoresLabelsAndGroups() throws {
        let a = Fixtures.exclusive((0..<30).map { $0 % 2 })
        let b = Fixtures.exclusive((0..<30).map { $0 < 10 ? 0 : 1 }, groups: (0..<30).map { "g\($0 % 4)" })
        #expect(try makePlan(a, .random, folds: 4) == makePlan(b, .random, folds: 4))
    }
}
