import ArgumentParser
import Cluster
import Foundation
import Wire

/// `crossfold jobs`: every job the coordinator knows.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List the coordinator's jobs.")
    @OptionGroup var client: ClientOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
            let jobs = try await client.withClient(logger: logger) { try await $0.jobs() }
            var lines = ["JOB                               STATE      FOLDS    MODEL        DATASET"]
            for job in jobs {
                let folds = "\(job.tasksDone)/\(job.tasksTotal)"
                // A sweep shows as one job: "sweep×7", its tasks all its configurations' folds.
                let model = job.configurations.map { "\(job.model)×\($0)" } ?? job.model
                lines.append([job.job.padding(34), job.state.rawValue.padding(11), folds.padding(9), model.padding(13),
                              job.datasetName].joined())
            }
            Terminal.standardOutput(lines.joined(separator: "\n") + "\n")
        }
    }
}

/// `crossfold status JOB`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show one job's state and progress.")
    @Argument(help: "The job id `submit` printed.") var job: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
            let status = try await client.withClient(logger: logger) { try await $0.status(of: job) }
            let sweep = status.configurations.map { "sweep of \($0) configurations, " } ?? ""
            var text = "job \(status.job): \(status.state.rawValue), \(sweep)\(status.tasksDone)/\(status.tasksTotal) folds done, "
                + "\(status.tasksRunning) running, \(status.workersBusy)/\(status.workers) workers busy, "
                + "\(ProgressView.clock(status.elapsedSeconds)) elapsed"
            if let eta = status.etaSeconds, !status.state.isFinal { text += ", ETA \(ProgressView.clock(eta))" }
            if status.attemptsLost > 0 { text += ", \(status.attemptsLost) attempts retried" }
            if let verification = status.verification { text += "\n" + VerificationText.line(verification, tasks: status.tasksTotal) }
            if let message = status.message { text += "\n\(message)" }
            Terminal.standardOutput(text + "\n")
        }
    }
}

/// `crossfold watch JOB`: progress until the job ends, then its results.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Follow a job until it ends, then print its table like `evaluate`.")
    @Argument(help: "The job id `submit` printed.") var job: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var workerWait: WorkerWaitOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError)
            Interruption.install()
            try output.checkWritable()
            try await client.withClient(logger: logger) { client in
                let session = JobSession(client: client, logger: logger)
                let status = try await session.follow(
                    job, live: Terminal.standardErrorIsTerminal, workerWait: workerWait.duration, unattended: .leave)
                try await session.finish(status, output: output, threshold: nil)
            }
        }
    }
}

/// `crossfold cancel JOB`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job; its running folds stop on the workers.",
        discussion: "Exits 0 when the job is cancelled (now or before), 79 when it had already completed or failed, 66 for an unknown job.")
    @Argument(help: "The job id.") var job: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
            let (before, after) = try await client.withClient(logger: logger) { client in
                let before = try await client.status(of: job)
                guard !before.state.isFinal else { return (before, before) }
                try await client.cancel(job)
                // The job may have ended between the two requests: its state now says which won.
                return (before, try await client.status(of: job))
            }
            switch after.state {
            case .cancelled:
                Terminal.standardOutput(before.state == .cancelled ? "job \(job) was already cancelled\n" : "cancelled \(job)\n")
            case .completed:
                throw CommandFailure(.alreadyEnded, "job \(job) already completed; nothing to cancel (its results: `crossfold results \(job)`)")
            case .failed:
                throw CommandFailure(.alreadyEnded, "job \(job) already failed; nothing to cancel (`crossfold status \(job)` says why)")
            case .queued, .running:
                throw CommandFailure(.evaluationFailed, "the coordinator did not cancel job \(job): it is still \(after.state.rawValue)")
            }
        }
    }
}

/// `crossfold results JOB`: a finished job's table, JSON and predictions.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Print a finished job's table and write its --json and --predictions files.")
    @Argument(help: "The job id.") var job: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
            try output.checkWritable()
            try await client.withClient(logger: logger) { client in
                let session = JobSession(client: client, logger: logger)
                let status = try await client.status(of: job)
                try await session.finish(status, output: output, threshold: nil)
            }
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters, with at least one space after.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
