import Datasets
import Wire

/// Everything needed to compute a finished job's metrics, handed off the event loop.
public struct MetricsRequest: Sendable {
    public let job: String
    public let spec: JobSpec
    /// The cross-validated dataset, or the holdout dataset for a holdout job: the rows predicted.
    public let evaluated: Dataset
    public let isHoldout: Bool
    public let predictions: [FoldPredictions]
    /// Worker and seconds per task, in task order.
    public let workers: [String]
    public let seconds: [Double]
    public let wallSeconds: Double
    /// Rows of the training dataset (the cross-validated one, or the one trained on for a holdout).
    public let trainingRows: Int
}
