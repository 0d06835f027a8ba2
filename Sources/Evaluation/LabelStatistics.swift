import Datasets

/// Label counts and the co-occurrence matrix of a dataset (every input, whatever its fold).
public struct LabelStatistics: Sendable, Equatable {
    /// Concept ids in dataset order.
    public let concepts: [String]
    /// `positiveCounts[c]`: inputs labelled with concept `c`.
    public let positiveCounts: [Int]
    /// `cooccurrence[a][b]`: inputs labelled with both `a` and `b`; the diagonal holds the counts.
    public let cooccurrence: [[Int]]

    /// Counts `dataset`'s labels.
    public init(dataset: Dataset) {
        let conceptCount = dataset.conceptCount
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: conceptCount), count: conceptCount)
        var positives: [Int] = []
        positives.reserveCapacity(conceptCount)
        for row in 0..<dataset.rowCount {
            positives.removeAll(keepingCapacity: true)
            for concept in 0..<conceptCount where dataset.isPositive(row: row, concept: concept) {
                positives.append(concept)
            }
            for a in positives {
                for b in positives { matrix[a][b] += 1 }
            }
        }
        concepts = dataset.concepts
        cooccurrence = matrix
        positiveCounts = (0..<conceptCount).map { matrix[$0][$0] }
    }
}
