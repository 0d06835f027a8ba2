import Datasets
import Folds

/// Small datasets built directly, independent of the readers.
enum Fixtures {
    /// An exclusive dataset whose row `i` is a positive of concept `labels[i]` only. Concept names are
    /// `c0, c1, ...`.
    static func exclusive(_ labels: [Int], groups: [String]? = nil, featureOffset: Float = 0) -> Dataset {
        let conceptCount = (labels.max() ?? 0) + 1
        var matrix = [UInt8](repeating: 0, count: labels.count * conceptCount)
        for (row, c) in labels.enumerated() { matrix[row * conceptCount + c] = 1 }
        return dataset(matrix: matrix, conceptCount: conceptCount, rows: labels.count, groups: groups,
                       isMultiLabel: false, featureOffset: featureOffset)
    }

    /// A multi-label dataset whose row `i` is a positive of exactly the concepts in `rows[i]`.
    static func multiLabel(_ rows: [[Int]], conceptCount: Int, groups: [String]? = nil) -> Dataset {
        var matrix = [UInt8](repeating: 0, count: rows.count * conceptCount)
        for (row, concepts) in rows.enumerated() {
            for c in concepts { matrix[row * conceptCount + c] = 1 }
        }
        return dataset(matrix: matrix, conceptCount: conceptCount, rows: rows.count, groups: groups,
                       isMultiLabel: true, featureOffset: 0)
    }

    private static func dataset(
        matrix: [UInt8], conceptCount: Int, rows: Int, groups: [String]?, isMultiLabel: Bool, featureOffset: Float
    ) -> Dataset {
        Dataset(
            featureCount: 2,
            features: (0..<(rows * 2)).map { Float($0) + featureOffset },
            concepts: (0..<conceptCount).map { "c\($0)" },
            labels: matrix,
            ids: (0..<rows).map { "row-\($0)" },
            groups: groups,
            isMultiLabel: isMultiLabel)
    }

    /// A label vector with `counts[c]` rows of concept `c`, interleaved by a fixed LCG so classes are
    /// not in blocks (the order matters to scikit-learn's class encoding).
    static func interleavedLabels(counts: [Int], scramble: UInt64 = 12345) -> [Int] {
        var labels: [Int] = []
        for (c, count) in counts.enumerated() { labels += Array(repeating: c, count: count) }
        var state = scramble
        for i in stride(from: labels.count - 1, through: 1, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            labels.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        return labels
    }

    /// Multi-label rows drawn by a fixed LCG: concept `c` is present with probability `rates[c]`.
    static func randomMultiLabelRows(count: Int, rates: [Double], scramble: UInt64 = 99) -> [[Int]] {
        var state = scramble
        func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in rates.indices.filter { unit() < rates[$0] } }
    }
}

/// Counting helpers over plans.
extension FoldPlan {
    /// Rows per fold in repeat `r`.
    func foldSizes(repeat r: Int) -> [Int] {
        var sizes = [Int](repeating: 0, count: folds)
        for f in assignments[r] { sizes[Int(f)] += 1 }
        return sizes
    }

    /// `counts[f][c]`: positives of concept `c` among the test rows of fold `f` in repeat `r`.
    func conceptCounts(repeat r: Int, dataset: Dataset) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: dataset.conceptCount), count: folds)
        for (row, f) in assignments[r].enumerated() {
            for c in 0..<dataset.conceptCount where dataset.isPositive(row: row, concept: c) {
                counts[Int(f)][c] += 1
            }
        }
        return counts
    }

    /// True when every row has a fold in 0..<folds in every repeat, so the test folds of each repeat
    /// partition the rows: each row is tested exactly once and trained on in the other K-1 folds.
    func isPartition(rowCount: Int) -> Bool {
        guard assignments.count == repeats else { return false }
        for r in 0..<repeats {
            guard assignments[r].count == rowCount else { return false }
            guard assignments[r].allSatisfy({ $0 >= 0 && Int($0) < folds }) else { return false }
            let tested = (0..<folds).flatMap { testRows(repeat: r, fold: $0) }.sorted()
            guard tested == Array(0..<rowCount) else { return false }
            for f in 0..<folds where Set(trainRows(repeat: r, fold: f)).union(testRows(repeat: r, fold: f)).count
                != rowCount { return false }
        }
        return true
    }
}

/// Runs a planner call that the test expects to succeed.
func makePlan(
    _ dataset: Dataset, _ strategy: SplitStrategy, folds: Int, repeats: Int = 1, seed: UInt64 = 42
) throws -> FoldPlan {
    try FoldPlanner.plan(
        for: dataset, strategy: strategy, folds: folds, repeats: repeats, seed: seed, source: "data.csv")
}
