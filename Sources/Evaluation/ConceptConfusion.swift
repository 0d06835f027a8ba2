import Datasets

/// Clarifai's confusion matrix (rows: actual concept, columns: predicted concept) over all
/// out-of-fold predictions of all repeats.
///
/// - `meanProbability[a][p]` is the average predicted probability of concept `p` over the
///   predictions for inputs labelled `a`: the portal's threshold-independent "Probabilities" view
///   and `ConfusionMatrixEntry.value`. For exclusive concepts a row sums to about 1.
/// - `topConceptCounts[a][p]` counts the predictions for inputs labelled `a` whose highest-scoring
///   concept is `p` (the first in dataset order on a tie, like numpy's `argmax`). For exclusive
///   concepts this is scikit-learn's `confusion_matrix(y_true, scores.argmax(1))`.
///
/// A multi-label input contributes to the row of each of its concepts; an input without a concept
/// contributes to none. With R repeats every input contributes R predictions.
public struct ConceptConfusion: Sendable, Equatable {
    /// Concept ids in dataset order; rows and columns of the matrices follow it.
    public let concepts: [String]
    /// Average probability per (actual, predicted); a row is nil when no prediction has that label.
    public let meanProbability: [[Double]?]
    /// Predictions counted in each row.
    public let rowPredictions: [Int]
    /// Top-scoring-concept counts per (actual, predicted).
    public let topConceptCounts: [[Int]]

    /// Accumulates the matrices from `dataset`'s labels and the out-of-fold predictions, row by row
    /// in input order (flat buffers: nested arrays cost a uniqueness check and a slice per row).
    public init(dataset: Dataset, outOfFold: [OutOfFoldPredictions]) {
        let c = dataset.conceptCount
        var sums = [Double](repeating: 0, count: c * c)
        var counts = [Int](repeating: 0, count: c * c)
        var rows = [Int](repeating: 0, count: c)
        dataset.labels.withUnsafeBufferPointer { labels in
            sums.withUnsafeMutableBufferPointer { sums in
                counts.withUnsafeMutableBufferPointer { counts in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for predictions in outOfFold {
                            precondition(predictions.scores.count == dataset.rowCount * c, "a score per row and concept")
                            predictions.scores.withUnsafeBufferPointer { scores in
                                for row in 0..<dataset.rowCount {
                                    let rowScores = UnsafeBufferPointer(rebasing: scores[(row * c)..<((row + 1) * c)])
                                    let top = Self.argmax(rowScores)
                                    for actual in 0..<c where labels[row * c + actual] != 0 {
                                        rows[actual] += 1
                                        counts[actual * c + top] += 1
                                        for predicted in 0..<c { sums[actual * c + predicted] += Double(rowScores[predicted]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        concepts = dataset.concepts
        meanProbability = (0..<c).map { actual in
            rows[actual] == 0 ? nil : (0..<c).map { sums[actual * c + $0] / Double(rows[actual]) }
        }
        rowPredictions = rows
        topConceptCounts = (0..<c).map { Array(counts[($0 * c)..<(($0 + 1) * c)]) }
    }

    /// The index of the first highest score within `scores` (0-based).
    private static func argmax(_ scores: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for index in scores.indices where scores[index] > scores[best] { best = index }
        return best
    }
}
