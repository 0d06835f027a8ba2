import Datasets
import Folds
import Testing

/// Bounds tested here, and why they hold (docs/FOLDS.md, "multilabel"):
///
/// - Water-filling. While one concept is being placed, each of its rows goes to the fold that desires
///   it most, which lowers that fold's desire by one share. When every fold starts the concept with
///   the same desire, the rows therefore go round the folds one at a time, and every fold ends with
///   `floor(n_c / K)` or `ceil(n_c / K)` of them.
/// - The folds start equal for a concept whenever none of its rows was placed earlier on account of
///   another concept: always for exclusive data, for the concept with the fewest positives (it is
///   placed first), and for the rows without any concept (placed last, as a concept of their own).
/// - For exclusive data the fold sizes stay within one as well: the rows of each round go first to
///   the folds that desire rows most, i.e. the smallest.
///
/// A concept placed after rows it shares with others can end further from its share, because those
/// rows were placed for the other concept; no per-fold bound holds for it in general, and none is
/// tested.
@Suite struct MultilabelSplitTests {
    static func withinOneOfShare(_ counts: [Int], total: Int, folds: Int) -> Bool {
        counts.reduce(0, +) == total && counts.allSatisfy { $0 == total / folds || $0 == (total + folds - 1) / folds }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func exclusiveDataIsStratifiedWithinOneAndSizesWithinOne(seed: UInt64) throws {
        let counts = [13, 7, 25, 10, 31, 12]
        let dataset = Fixtures.exclusive(Fixtures.interleavedLabels(counts: counts))
        let plan = try makePlan(dataset, .multilabel, folds: 5, repeats: 2, seed: seed)
        #expect(plan.isPartition(rowCount: dataset.rowCount))
        for r in 0..<2 {
            let table = plan.conceptCounts(repeat: r, dataset: dataset)
            for (c, n) in counts.enumerated() {
                #expect(Self.withinOneOfShare(table.map { $0[c] }, total: n, folds: 5), "concept \(c)")
            }
            let sizes = plan.foldSizes(repeat: r)
            #expect(sizes.max()! - sizes.min()! <= 1)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func rarestConceptAndUnlabelledRowsAreWithinOneOfTheirShare(seed: UInt64) throws {
        // Concept 4 (rate 0.06) is the strictly rarest; about a fifth of the rows have no concept.
        let rows = Fixtures.randomMultiLabelRows(count: 500, rates: [0.4, 0.3, 0.25, 0.2, 0.06], scramble: seed)
        let dataset = Fixtures.multiLabel(rows, conceptCount: 5)
        let counts = dataset.positiveCounts
        try #require(counts.enumerated().allSatisfy { $0.offset == 4 || $0.element > counts[4] })
        let plan = try makePlan(dataset, .multilabel, folds: 5, repeats: 2, seed: seed)
        #expect(plan.isPartition(rowCount: rows.count))
        let unlabelled = rows.indices.filter { rows[$0].isEmpty }
        try #require(unlabelled.count > 50)
        for r in 0..<2 {
            let table = plan.conceptCounts(repeat: r, dataset: dataset)
            #expect(Self.withinOneOfShare(table.map { $0[4] }, total: counts[4], folds: 5))
            var perFold = [Int](repeating: 0, count: 5)
            for row in unlabelled { perFold[Int(plan.assignments[r][row])] += 1 }
            #expect(Self.withinOneOfShare(perFold, total: unlabelled.count, folds: 5))
        }
    }

    @Test func stratifiesBetterThanARandomSplit() throws {
        // Not a bound but a measurement, pinned: the worst deviation from the share n_c / K over all
        // concepts, folds and 5 repeats is 0.8 rows for iterative stratification and 12.4 for
        // shuffled K-fold on the same rows and seed.
        let rows = Fixtures.randomMultiLabelRows(count: 600, rates: [0.5, 0.3, 0.2, 0.1, 0.05, 0.35])
        let dataset = Fixtures.multiLabel(rows, conceptCount: 6)
        func worst(_ strategy: SplitStrategy) throws -> Double {
            let plan = try makePlan(dataset, strategy, folds: 5, repeats: 5, seed: 3)
            var worst = 0.0
            for r in 0..<5 {
                for counts in plan.conceptCounts(repeat: r, dataset: dataset) {
                    for (c, n) in dataset.positiveCounts.enumerated() {
                        worst = max(worst, abs(Double(counts[c]) - Double(n) / 5))
                    }
                }
            }
            return worst
        }
        let stratified = try worst(.multilabel)
        let random = try worst(.random)
        #expect(stratified < 1)
        #expect(random > 10)
    }
}
