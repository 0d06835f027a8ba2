/// What one fold task produces: a probability per concept for each held-out row. It lives here, in
/// the foundation module, because learners produce it and the metrics consume it.
public struct FoldPredictions: Sendable, Codable, Equatable {
    public let repeatIndex: Int
    public let fold: Int
    /// Held-out rows in increasing order (indices into the evaluated dataset).
    public let rows: [Int]
    /// `rows.count × conceptCount` probabilities in [0, 1], row-major, concepts in dataset order.
    public let scores: [Float]
    public let conceptCount: Int

    public init(repeatIndex: Int, fold: Int, rows: [Int], scores: [Float], conceptCount: Int) {
        precondition(scores.count == rows.count * conceptCount, "one score per held-out row and concept")
        self.repeatIndex = repeatIndex
        self.fold = fold
        self.rows = rows
        self.scores = scores
        self.conceptCount = conceptCount
    }
}
