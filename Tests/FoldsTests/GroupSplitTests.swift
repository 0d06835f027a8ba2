import Datasets
import Folds
import Testing
import TestSupport

@Suite struct GroupSplitTests {
    /// Groups `g0, g1, ...` with `sizes[g]` rows each, rows interleaved across groups.
    static func groups(sizes: [Int], scramble: UInt64 = 5) -> [String] {
        Fixtures.interleavedLabels(counts: sizes, scramble: scramble).map { "g\($0)" }
    }

    static func dataset(groups: [String]) -> Dataset {
        Fixtures.exclusive((0..<groups.count).map { $0 % 2 }, groups: groups)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func aGroupNeverSpansTwoFolds(seed: UInt64) throws {
        let groups = Self.groups(sizes: [5, 3, 3, 8, 1, 1, 2, 6, 3, 4, 4])
        let plan = try makePlan(Self.dataset(groups: groups), .group, folds: 4, repeats: 3, seed: seed)
        #expect(plan.isPartition(rowCount: groups.count))
        for r in 0..<3 {
            var foldOfGroup: [String: Int32] = [:]
            for (row, fold) in plan.assignments[r].enumerated() {
                #expect(foldOfGroup[groups[row], default: fold] == fold, "group \(groups[row]) in two folds")
                foldOfGroup[groups[row]] = fold
            }
        }
    }

    /// Largest-first into the lightest fold leaves the heaviest fold at most one group heavier than
    /// the lightest: the heaviest fold's last group went to it while it was the lightest.
    @Test func foldsDifferByAtMostTheLargestGroup() throws {
        let sizes = [20, 3, 3, 8, 1, 1, 2, 6, 3, 4, 4, 9, 9, 9, 2]
        let plan = try makePlan(Self.dataset(groups: Self.groups(sizes: sizes)), .group, folds: 5)
        let foldSizes = plan.foldSizes(repeat: 0)
        #expect(foldSizes.allSatisfy { $0 > 0 })
        #expect(foldSizes.max()! - foldSizes.min()! <= sizes.max()!)
    }

    @Test func equalSizedGroupsAreOrderedBySeed() throws {
        let dataset = Self.dataset(groups: Self.groups(sizes: Array(repeating: 4, count: 12)))
        let plans = try (1...4).map { try makePlan(dataset, .group, folds: 3, seed: $0) }
        #expect(Set(plans.map(\.assignments)).count == 4)
        for plan in plans { #expect(plan.foldSizes(repeat: 0) == [16, 16, 16]) }
    }

    @Test func distinctGroupSizesGiveTheSamePlanForEverySeed() throws {
        // Nothing is left to chance when sizes differ: documented, and why group repeats can coincide.
        let dataset = Self.dataset(groups: Self.groups(sizes: [1, 2, 3, 4, 5, 6, 7]))
        #expect(try makePlan(dataset, .group, folds: 3, seed: 1) == makePlan(dataset, .group, folds: 3, seed: 1))
        #expect(try makePlan(dataset, .group, folds: 3, seed: 1).assignments
                == makePlan(dataset, .group, folds: 3, seed: 2).assignments)
    }

    /// Input: pairs of lines "K" and the group of every row; output: the fold of every row, one line
    /// per pair.
    static let scikitLearnGroupKFold = """
        import sys, numpy as np
        from sklearn.model_selection import GroupKFold
        lines = sys.stdin.read().split("\\n")
        for k, names in zip(lines[0::2], lines[1::2]):
            groups = np.array(names.split())
            fold = np.zeros(len(groups), dtype=int)
            splitter = GroupKFold(n_splits=int(k))
            for f, (_, test) in enumerate(splitter.split(np.zeros(len(groups)), groups=groups)):
                fold[test] = f
            print(" ".join(map(str, fold)))
        """

    static func scikitLearnFolds(_ cases: [(folds: Int, groups: [String])]) async throws -> [[Int32]] {
        let input = cases.map { "\($0.folds)\n" + $0.groups.joined(separator: " ") + "\n" }.joined()
        let output = try await PythonOracle.run(scikitLearnGroupKFold, input: input, requiring: ["numpy", "sklearn"])
        return output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int32($0) } }
    }

    /// With all group sizes distinct, scikit-learn's GroupKFold and crossfold place every row in the
    /// same fold; with ties, which equal-size group goes where differs, but the rows per fold are
    /// scikit-learn's, because they depend only on the sorted sizes.
    @Test func matchesScikitLearnGroupKFold() async throws {
        let distinct = Self.groups(sizes: [5, 12, 3, 9, 1, 7, 2, 30, 4, 11, 6])
        let tiedSizes = [4, 4, 4, 7, 7, 1, 1, 1, 1, 3, 3, 10, 2, 2, 2]
        let tied = (UInt64(1)...3).map { Self.groups(sizes: tiedSizes, scramble: $0) }
        let theirs = try await Self.scikitLearnFolds([(4, distinct)] + tied.map { (4, $0) })
        try #require(theirs.count == 4)

        #expect(try makePlan(Self.dataset(groups: distinct), .group, folds: 4).assignments[0] == theirs[0])
        for (index, groups) in tied.enumerated() {
            let plan = try makePlan(Self.dataset(groups: groups), .group, folds: 4, seed: UInt64(index))
            var sizes = [Int](repeating: 0, count: 4)
            for fold in theirs[index + 1] { sizes[Int(fold)] += 1 }
            #expect(plan.foldSizes(repeat: 0) == sizes)
        }
    }
}
