import Evaluation
import Foundation

/// One evaluation read from Clarifai: decoded for crossfold's tables, and the reply body byte for
/// byte for `--json`, which must hold everything Clarifai returned (fields crossfold does not
/// model, "NaN" strings, timestamps, input data).
public struct FetchedEvaluation: Sendable, Equatable {
    public var metrics: EvalMetrics
    /// The GetEvaluation (or GetModelVersionEvaluation) reply body as received.
    public var response: Data

    public init(metrics: EvalMetrics, response: Data) {
        self.metrics = metrics
        self.response = response
    }
}
