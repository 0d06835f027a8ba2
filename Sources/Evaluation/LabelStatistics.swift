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
        let c = dataset.conceptCount
        var flat = [Int](repeating: 0, count: c * c)
        var positives: [Int] = []
        positives.reserveCapacity(c)
        dataset.labels.withUnsafeBufferPointer { labels in
            flat.withUnsafeMutableBufferPointer { flat in
                for row in 0..<dataset.rowCount {
                    positives.removeAll(keepingCapacity: true)
                    for concept in 0..<c where labels[row * c + concept] != 0 { positives.append(concept) }
                    for a in positives {
                        for b in positives { flat[a * c + b] += 1 }
                    }
                }
            }
        }
        let matrix = (0..<c).map { Array(flat[($0 * c)..<(($0 + 1) * c)]) }
        concepts = dataset.concepts
        cooccurrence = matrix
        positiveCounts = (0..<c).map { matrix[$0][$0] }
    }
}
