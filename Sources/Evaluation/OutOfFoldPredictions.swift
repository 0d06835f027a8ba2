/// The out-of-fold predictions of one repeat, put back in input order: for every input, the fold
/// that held it out and the probabilities the model trained without that fold gave it.
public struct OutOfFoldPredictions: Sendable, Equatable {
    public let repeatIndex: Int
    /// `folds[i]`: the fold that tested input `i`.
    public let folds: [Int32]
    /// `rowCount × conceptCount` probabilities, row-major, concepts in dataset order.
    public let scores: [Float]
    public let conceptCount: Int

    public init(repeatIndex: Int, folds: [Int32], scores: [Float], conceptCount: Int) {
        precondition(scores.count == folds.count * conceptCount, "one score per input and concept")
        self.repeatIndex = repeatIndex
        self.folds = folds
        self.scores = scores
        self.conceptCount = conceptCount
    }

    /// Number of inputs.
    public var rowCount: Int { folds.count }

    /// The probabilities of input `row`, in concept order.
    public func scores(row: Int) -> ArraySlice<Float> {
        scores[row * conceptCount..<(row + 1) * conceptCount]
    }
}
