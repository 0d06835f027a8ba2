import Datasets
import Wire

/// A finished job whose metrics are to be computed off the event loop, from its stored results.
public struct MetricsRequest: Sendable {
    let job: ActiveJob
    public let wallSeconds: Double

    public var id: String { job.id }
}

/// A finished job's EvalMetrics JSON and out-of-fold predictions, ready for the store.
public struct ComputedMetrics: Sendable {
    public let json: [UInt8]
    /// The predictions file to write (`PredictionsFile`), when the job has rows to predict.
    public let predictions: PredictionsWrite?
}

/// A file of `size` bytes that `fill` writes in place. `fill` may read the job's stored results
/// again (a sweep's predictions, one configuration at a time) and fail as a store read does.
public struct PredictionsWrite: Sendable {
    public let size: Int
    public let fill: @Sendable (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void
}
