import Cluster
import Evaluation
import Foundation
import Logging
import Reports
import Wire

/// Submitting a job through a coordinator's client socket, following it, and collecting its
/// results: the one path `evaluate` (embedded or remote coordinator), `submit --wait` and `watch`
/// share.
struct JobSession {
    let client: ClusterClient
    let logger: Logger

    /// Uploads the datasets the coordinator lacks and submits the job; returns its id.
    func submit(_ job: PreparedJob) async throws -> String {
        for dataset in job.datasets {
            let uploaded = try await client.upload(dataset.canonical, hash: dataset.hash)
            logger.log(level: uploaded ? .info : .debug, uploaded ? "dataset uploaded" : "coordinator already holds the dataset",
                       metadata: ["dataset": "\(dataset.path)", "sha256": "\(dataset.hash)", "bytes": "\(dataset.canonical.count)"])
        }
        return try await client.submit(job.spec)
    }

    /// Polls the job until it ends. With `workerWait`, gives up (exit 69) when no worker has joined
    /// the cluster by then.
    func watch(_ job: String, live: Bool, workerWait: Duration? = nil) async throws -> JobStatus {
        var view = ProgressView(live: live, logger: logger)
        let started = ContinuousClock.now
        while true {
            let status = try await client.status(of: job)
            view.show(status)
            if status.state.isFinal { return status }
            if let workerWait, status.workers == 0, ContinuousClock.now - started > workerWait {
                // Nobody waits for its results any more: do not leave it to run later for no one.
                try? await client.cancel(job)
                throw CommandFailure(
                    .unavailable,
                    "no worker joined the coordinator at \(client.endpoint) within \(Int(workerWait.components.seconds)) s; "
                        + "start workers with `crossfold worker --connect ...` (job \(job) was cancelled)")
            }
            try await Task.sleep(for: live ? .milliseconds(200) : .milliseconds(500))
        }
    }

    /// Fetches a finished job's results, writes the requested files and prints the table.
    /// A failed or cancelled job is exit 70 with its reason, one still queued or running exit 75.
    func finish(_ status: JobStatus, output: OutputOptions, threshold: Double?) async throws {
        guard status.state.isFinal else {
            throw CommandFailure(
                .notFinished,
                "job \(status.job) is still \(status.state.rawValue) (\(status.tasksDone)/\(status.tasksTotal) folds done); "
                    + "follow it with `crossfold watch \(status.job)`, or ask again later")
        }
        guard status.state == .completed else {
            throw CommandFailure(.evaluationFailed, "job \(status.job) \(status.state.rawValue): \(status.message ?? "no reason recorded")")
        }
        let results = try await client.results(of: status.job, predictions: output.predictions != nil)
        let metrics = try EvalMetricsJSON.decode(Data(results.metricsJSON))
        try ResultsOutput.write(metrics: metrics, json: output.json)
        try ResultsOutput.write(results: results, predictions: output.predictions)
        ResultsOutput.printTable(
            metrics, threshold: threshold ?? Self.threshold(of: metrics) ?? 0.5, toStandardError: output.usesStandardOutput)
    }

    /// The threshold a stored result was computed with (in its crossfold block).
    static func threshold(of metrics: EvalMetrics) -> Double? {
        metrics.extendedMetrics?.userMetrics?["crossfold"]?["threshold"]?.doubleValue
    }
}
