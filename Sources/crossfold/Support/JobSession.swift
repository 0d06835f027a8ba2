import Cluster
import Evaluation
import Foundation
import Learners
import Logging
import Reports
import Wire

/// Submitting a job through a coordinator's client socket, following it, and collecting its
/// results: the one path `evaluate` (embedded or remote coordinator), `submit --wait` and `watch`
/// share.
struct JobSession: Sendable {
    let client: ClusterClient
    let logger: Logger

    /// Uploads the datasets the coordinator lacks and submits the job; returns its id. A learner
    /// that cannot learn the dataset at all is refused first (exit 64), as the coordinator would.
    func submit(_ job: PreparedJob) async throws -> String {
        var checked: Set<String> = []  // the check depends on the model alone, and scans every row
        for configuration in job.spec.configurationList where checked.insert(configuration.model).inserted {
            try LearnerCatalog.check(
                LearnerSpec(model: configuration.model, params: configuration.params, seed: job.spec.seed),
                canLearn: job.training.dataset, source: job.training.path)
        }
        // A job too large for the coordinator's memory is refused before a large upload, not after.
        if let tooLarge = try await client.memoryRefusal(for: job.spec, concepts: job.training.dataset.conceptCount) {
            throw CommandFailure(.usage, tooLarge)
        }
        for dataset in job.datasets {
            let uploaded = try await client.upload(dataset.canonical, hash: dataset.hash)
            logger.log(level: uploaded ? .info : .debug, uploaded ? "dataset uploaded" : "coordinator already holds the dataset",
                       metadata: ["dataset": "\(dataset.path)", "sha256": "\(dataset.hash)", "bytes": "\(dataset.canonical.count)"])
        }
        return try await client.submit(job.spec)
    }

    /// What becomes of a job nobody's worker took within the worker wait.
    enum Unattended {
        /// `evaluate`: nobody waits for its results any more, so it does not run later for no one.
        case cancel
        /// `submit --wait`, `watch`: it stays queued, for workers that join later.
        case leave
    }

    /// Polls the job until it ends: a bar on a terminal, else a progress line at each change and
    /// at least every 10 s (JobFollowing). With `workerWait`, says every 10 s while no worker is
    /// connected and gives up (exit 69) once none has been for that long.
    func watch(
        _ job: String, live: Bool, workerWait: Duration? = nil, unattended: Unattended = .cancel
    ) async throws -> JobStatus {
        let view = ProgressView(live: live, logger: logger)
        var following = JobFollowing(workerWait: workerWait)
        let started = ContinuousClock.now
        var wait: Duration?
        while true {
            let status = try await client.status(of: job)
            for action in following.observe(status, at: ContinuousClock.now - started) {
                switch action {
                case .logProgress:
                    view.log(status)
                case .noWorker(let waited):
                    view.clear()
                    logger.warning("no worker is connected to the coordinator; the job waits for one", metadata: [
                        "job": "\(job)", "coordinator": "\(client.endpoint)", "waited_s": "\(waited.components.seconds)",
                        "gives_up_after_s": "\(workerWait?.components.seconds ?? 0)",
                        "start_one": "crossfold worker --connect tcp://COORDINATOR:5556",
                    ])
                case .giveUp:
                    view.clear()
                    throw try await noWorker(job, waited: workerWait ?? .zero, unattended: unattended)
                }
            }
            view.draw(status)
            if status.state.isFinal { return status }
            let next = JobFollowing.pollInterval(after: status, previous: wait, live: live)
            wait = next
            try await Task.sleep(for: next)
        }
    }

    /// `watch` that a Ctrl-C ends (exit 130): with `.cancel` (evaluate) the job is cancelled on the
    /// coordinator, with `.leave` (submit --wait, watch) it runs on and the message says how to
    /// follow it again.
    func follow(
        _ job: String, live: Bool, workerWait: Duration? = nil, unattended: Unattended = .cancel
    ) async throws -> JobStatus {
        do {
            return try await Interruption.following {
                try await watch(job, live: live, workerWait: workerWait, unattended: unattended)
            }
        } catch is Interruption.Interrupted {
            ProgressView(live: live, logger: logger).clear()
            switch unattended {
            case .cancel:
                do {
                    try await client.cancel(job)
                    throw CommandFailure(.interrupted, "interrupted; cancelled job \(job) on the coordinator")
                } catch let error as ClientError {
                    throw CommandFailure(.interrupted, "interrupted; job \(job) could not be cancelled (\(error)); "
                        + "stop it with `crossfold cancel \(job) --coordinator \(client.endpoint)`")
                }
            case .leave:
                throw CommandFailure(.interrupted, "interrupted; job \(job) keeps running on the coordinator: follow it "
                    + "again with `crossfold watch \(job) --coordinator \(client.endpoint)`, or stop it with `crossfold cancel \(job)`")
            }
        }
    }

    private func noWorker(_ job: String, waited: Duration, unattended: Unattended) async throws -> CommandFailure {
        let lead = "no worker joined the coordinator at \(client.endpoint) within \(waited.components.seconds) s; "
            + "start workers with `crossfold worker --connect tcp://COORDINATOR:5556`"
        switch unattended {
        case .cancel:
            try? await client.cancel(job)
            return CommandFailure(.unavailable, lead + " (job \(job) was cancelled)")
        case .leave:
            return CommandFailure(.unavailable, lead + ", then follow job \(job), which stays queued, with `crossfold watch \(job)`")
        }
    }

    /// Fetches a finished job's results, writes the requested files and prints the table.
    /// A failed or cancelled job is exit 70 with its reason, one still queued or running exit 75.
    /// `nested`: `evaluate --nested`'s job, whose sweep then selects by inner sweeps too.
    func finish(_ status: JobStatus, output: OutputOptions, threshold: Double?, nested: PreparedJob? = nil) async throws {
        guard status.state.isFinal else {
            throw CommandFailure(
                .notFinished,
                "job \(status.job) is still \(status.state.rawValue) (\(status.tasksDone)/\(status.tasksTotal) folds done); "
                    + "follow it with `crossfold watch \(status.job)`, or ask again later")
        }
        guard status.state == .completed else {
            throw CommandFailure(.evaluationFailed, "job \(status.job) \(status.state.rawValue): \(status.message ?? "no reason recorded")")
        }
        let results = try await client.results(of: status.job, predictions: false)
        if status.configurations != nil {
            try await finishSweep(status, results: results, output: output, nested: nested)
        } else {
            try await finishSingleRun(status, results: results, output: output, threshold: threshold)
        }
        // Said on standard error, beside the table: a verification that could not run is never a silent pass.
        if let verification = status.verification { Terminal.standardError(VerificationText.line(verification, tasks: status.tasksTotal) + "\n") }
    }

    /// A finished job of one model: its JSON, report, predictions and table.
    private func finishSingleRun(
        _ status: JobStatus, results: JobResults, output: OutputOptions, threshold: Double?
    ) async throws {
        // The per-fold section is read only for the HTML report, which shows it; the table needs
        // the summary alone.
        let metrics = try EvalMetricsJSON.decode(Data(results.metricsJSON), perFold: output.html != nil)
        try ResultsOutput.write(compact: results.metricsJSON, json: output.json)
        try ResultsOutput.write(metrics: metrics, html: output.html)
        if let path = output.predictions {
            // Page by page: the predictions of a large dataset never sit whole in this process.
            let writer = try ResultsOutput.PredictionsWriter(path: path)
            var format: PredictionsCSVFormat?
            try await client.predictions(of: status.job, rows: results.header.rows, concepts: results.header.concepts) { header in
                let csv = PredictionsCSVFormat(conceptIDs: header.conceptIds, repeats: header.repeats)
                format = csv
                try writer.write(Data(csv.header.utf8))
            } _: { page in
                guard let format else { return }
                // In slices, so the text of a page is never held whole either.
                let c = results.header.concepts
                for start in stride(from: 0, to: page.inputIDs.count, by: 8192) {
                    let end = min(page.inputIDs.count, start + 8192)
                    try writer.write(format.rows(
                        ids: Array(page.inputIDs[start..<end]), repeatIndex: page.page.repeatIndex,
                        folds: Array(page.folds[start..<end]), scores: Array(page.scores[(start * c)..<(end * c)])))
                }
            }
            try writer.close()
        }
        ResultsOutput.printTable(
            metrics, threshold: threshold ?? Self.threshold(of: metrics) ?? 0.5, toStandardError: output.usesStandardOutput)
    }

    /// The threshold a stored result was computed with (in its crossfold block).
    static func threshold(of metrics: EvalMetrics) -> Double? {
        metrics.extendedMetrics?.userMetrics?["crossfold"]?["threshold"]?.doubleValue
    }
}
