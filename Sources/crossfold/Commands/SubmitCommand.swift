import ArgumentParser
import Cluster
import Logging

/// `crossfold submit DATASET --coordinator ADDR [--wait]`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an evaluation to a coordinator and print the job id.",
        discussion: "The dataset is uploaded in chunks unless the coordinator already holds it (by hash). With --wait, follows the job and prints its results like `evaluate`."
    )

    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var scratch: ScratchOptions
    @OptionGroup var client: ClientOptions
    @Flag(help: "Wait for the job, then print its table and write --json/--predictions.") var wait = false
    @OptionGroup var workerWait: WorkerWaitOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if evaluation.dataset == nil { throw ValidationError("a DATASET file is required") }
        if !wait, workerWait.workerWait != nil { throw ValidationError("--worker-wait applies with --wait") }
        if !wait, output.json != nil || output.predictions != nil || output.html != nil {
            throw ValidationError("--json, --predictions and --html need --wait (or fetch them later: crossfold results JOB --json FILE)")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
            if wait { Interruption.install() }
            if wait { try output.checkWritable() }
            let job = try PreparedJob.prepare(evaluation, scratch: scratch, logger: logger)
            try await client.withClient(logger: logger) { client in
                let session = JobSession(client: client, logger: logger)
                let id = try await session.submit(job)
                // With --json - or --predictions -, standard output carries that file alone.
                if output.usesStandardOutput {
                    Terminal.standardError(id + "\n")
                } else {
                    Terminal.standardOutput(id + "\n")
                }
                guard wait else { return }
                let status = try await session.follow(
                    id, live: Terminal.standardErrorIsTerminal, workerWait: workerWait.duration, unattended: .leave)
                try await session.finish(status, output: output, threshold: evaluation.threshold)
            }
        }
    }
}
