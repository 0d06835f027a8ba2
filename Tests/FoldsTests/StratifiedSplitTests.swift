import Datasets
import Folds
import Testing
import TestSupport

@Suite struct StratifiedSplitTests {
    @Test func allocatesRoundRobinOverSortedLabelsEncodedByFirstAppearance() throws {
        // Concept 1 appears first, so it is encoded 0: sorted codes [1 1 1 1 0 0 0 0] in concept
        // terms; fold f takes positions f, f+3, f+6: concept 1 gets (2, 1, 1), concept 0 (1, 2, 1).
        let dataset = Fixtures.exclusive([1, 1, 0, 0, 1, 0, 1, 0])
        let plan = try makePlan(dataset, .stratified, folds: 3)
        #expect(plan.conceptCounts(repeat: 0, dataset: dataset) == [[1, 2], [2, 1], [1, 1]])
    }

    @Test(arguments: [7, 11, 23, 99, 1000])
    func everyConceptIsSpreadWithinOneOfItsShare(seed: UInt64) throws {
        let counts = [13, 7, 25, 10, 31]
        let dataset = Fixtures.exclusive(Fixtures.interleavedLabels(counts: counts))
        let plan = try makePlan(dataset, .stratified, folds: 5, repeats: 3, seed: seed)
        #expect(plan.isPartition(rowCount: dataset.rowCount))
        for r in 0..<3 {
            let table = plan.conceptCounts(repeat: r, dataset: dataset)
            for (c, n) in counts.enumerated() {
                let column = table.map { $0[c] }
                #expect(column.reduce(0, +) == n)
                #expect(column.allSatisfy { $0 == n / 5 || $0 == (n + 4) / 5 })
            }
        }
    }

    @Test func countsDoNotDependOnTheSeedButRowsDo() throws {
        let dataset = Fixtures.exclusive(Fixtures.interleavedLabels(counts: [12, 9, 17]))
        let a = try makePlan(dataset, .stratified, folds: 4, seed: 1)
        let b = try makePlan(dataset, .stratified, folds: 4, seed: 2)
        #expect(a.conceptCounts(repeat: 0, dataset: dataset) == b.conceptCounts(repeat: 0, dataset: dataset))
        #expect(a.assignments != b.assignments)
    }

    static let oracleCases: [(counts: [Int], folds: Int, scramble: UInt64)] = [
        ([13, 7, 25, 10, 31], 5, 1),
        ([13, 7, 25, 10, 31], 7, 2),
        ([10, 10, 10], 3, 3),
        ([11, 10, 12, 50, 10, 10, 17, 10, 10, 99], 10, 4),
        ([4, 4], 3, 5),
        ([2, 9, 3, 5], 2, 6),
        ([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 5, 7),
        ([1000, 15, 3], 3, 8),
    ]

    /// scikit-learn's StratifiedKFold on the same label vectors: per-fold per-concept counts (which do
    /// not depend on its shuffle, checked both ways) must equal crossfold's exactly, fold by fold.
    @Test func perFoldConceptCountsEqualScikitLearn() async throws {
        let script = """
            import sys, numpy as np
            from sklearn.model_selection import StratifiedKFold
            lines = sys.stdin.read().split("\\n")
            for header, labels in zip(lines[0::2], lines[1::2]):
                k, c = map(int, header.split())
                y = np.array([int(v) for v in labels.split()])
                for shuffle, seed in ((False, None), (True, 0)):
                    splitter = StratifiedKFold(n_splits=k, shuffle=shuffle, random_state=seed)
                    for _, test in splitter.split(np.zeros(len(y)), y):
                        print(" ".join(str(int(np.sum(y[test] == j))) for j in range(c)))
            """
        var input = ""
        var expected: [[Int]] = []
        for (counts, folds, scramble) in Self.oracleCases {
            let labels = Fixtures.interleavedLabels(counts: counts, scramble: scramble)
            input += "\(folds) \(counts.count)\n" + labels.map(String.init).joined(separator: " ") + "\n"
            let dataset = Fixtures.exclusive(labels)
            let plan = try makePlan(dataset, .stratified, folds: folds, seed: scramble)
            let counts = plan.conceptCounts(repeat: 0, dataset: dataset)
            expected += counts + counts
        }
        let output = try await PythonOracle.run(script, input: input, requiring: ["numpy", "sklearn"])
        let theirs = output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
        #expect(theirs.count == expected.count)
        for (index, (ours, reference)) in zip(expected, theirs).enumerated() {
            #expect(ours == reference, "row \(index) of the per-fold table")
        }
    }

    @Test func acceptsMultiLabelFlaggedDataWithOneConceptPerRow() throws {
        let labels = Fixtures.interleavedLabels(counts: [6, 9])
        let dataset = Fixtures.multiLabel(labels.map { [$0] }, conceptCount: 2)
        let exclusive = Fixtures.exclusive(labels)
        let plan = try makePlan(dataset, .stratified, folds: 3)
        let reference = try makePlan(exclusive, .stratified, folds: 3)
        #expect(plan.assignments == reference.assignments)
        #expect(plan.conceptCounts(repeat: 0, dataset: dataset) == [[2, 3], [2, 3], [2, 3]])
    }
}
