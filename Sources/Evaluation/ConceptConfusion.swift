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

    /// Accumulates the matrices from `dataset`'s labels and the out-of-fold predictions.
    public init(dataset: Dataset, outOfFold: [OutOfFoldPredictions]) {
        let conceptCount = dataset.conceptCount
        var sums = [[Double]](repeating: [Double](repeating: 0, count: conceptCount), count: conceptCount)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: conceptCount), count: conceptCount)
        var rows = [Int](repeating: 0, count: conceptCount)
        for predictions in outOfFold {
            for row in 0..<dataset.rowCount {
                let scores = predictions.scores(row: row)
                let top = Self.argmax(scores)
                for actual in 0..<conceptCount where dataset.isPositive(row: row, concept: actual) {
                    rows[actual] += 1
                    counts[actual][top] += 1
                    for (predicted, score) in scores.enumerated() { sums[actual][predicted] += Double(score) }
                }
            }
        }
        let means: [[Double]?] = (0..<conceptCount).map { actual in
            rows[actual] == 0 ? nil : sums[actual].map { $0 / Double(rows[actual]) }
        }
        concepts = dataset.concepts
        meanProbability = means
        rowPredictions = rows
        topConceptCounts = counts
    }

    /// The index of the first highest score within `scores` (0-based).
    private static func argmax(_ scores: ArraySlice<Float>) -> Int {
        var best = scores.startIndex
        for index in scores.indices where scores[index] > scores[best] { best = index }
        return best - scores.startIndex
    }
}
