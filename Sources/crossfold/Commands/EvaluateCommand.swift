import ArgumentParser
import Clarifai
import Cluster
import Evaluation
import Foundation
import Logging

/// `crossfold evaluate DATASET`: K-fold cross validation on an embedded cluster, on a running
/// coordinator (`--coordinator`), or on Clarifai (`--remote clarifai`, `--fallback clarifai`).
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Cross-validate a classifier on a labelled dataset and print Clarifai's per-concept table.",
        discussion: """
            Without --coordinator, an embedded cluster runs inside this process: a coordinator and \
            --local-workers workers speaking the same protocol as a real cluster. With --coordinator, the \
            dataset is uploaded (unless the coordinator holds it) and the job runs on that cluster. \
            With --remote clarifai, Clarifai evaluates the configured model version instead; with \
            --fallback clarifai, Clarifai is used only when the local evaluation cannot run.
            """
    )

    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var scratch: ScratchOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: "Workers of the embedded cluster (default: the number of cores).")
    var localWorkers: Int?

    @Option(help: "Run on this coordinator (tcp://HOST[:PORT], port 5555 by default) instead of an embedded cluster. Env: CROSSFOLD_COORDINATOR_CLIENT.")
    var coordinator: String?

    @OptionGroup var workerWait: WorkerWaitOptions

    @Flag(help: "With a sweep: nested cross validation too; each outer fold is scored with the configuration a sweep of its training rows alone chooses (by --select), one inner sweep per outer fold.")
    var nested = false

    @Option(parsing: .unconditional, help: "With --coordinator: seconds to wait for each reply before resending (4 attempts); an unreachable coordinator is reported after 4 times this (exit 69 or fallback).")
    var replyTimeout: Int = 3

    @Option(help: "Evaluate remotely instead: clarifai.")
    var remote: String?

    @Option(help: "Evaluate on this service when the local evaluation cannot run: clarifai.")
    var fallback: String?

    @OptionGroup var keys: KeysOptions
    @OptionGroup(title: "Clarifai") var clarifai: ClarifaiOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        for (flag, value) in [("--remote", remote), ("--fallback", fallback)] {
            if let value, value != "clarifai" { throw ValidationError("\(flag) supports only clarifai") }
        }
        if remote != nil, fallback != nil { throw ValidationError("use either --remote or --fallback") }
        if remote != nil, evaluation.verify != nil {
            throw ValidationError("--verify applies to crossfold's own workers, not to --remote clarifai; drop one")
        }
        if remote == nil, evaluation.dataset == nil { throw ValidationError("a DATASET file is required") }
        if let localWorkers, localWorkers < 1 { throw ValidationError("--local-workers must be at least 1") }
        if evaluation.isSweep, let service = remote.map({ ("--remote", $0) }) ?? fallback.map({ ("--fallback", $0) }) {
            throw ValidationError("a sweep runs its configurations on crossfold's workers, and \(service.0) \(service.1) "
                + "evaluates Clarifai's configured model instead; drop \(service.0), or compare Clarifai's evaluations "
                + "with `crossfold clarifai compare ID...`")
        }
        if nested {
            guard evaluation.isSweep else {
                throw ValidationError("--nested selects among a sweep's configurations; give several, e.g. --model knn:k=5,15 --model logistic")
            }
            guard evaluation.repeats == 1 else {
                throw ValidationError("--nested runs one inner sweep per outer fold of one repeat; drop --repeats")
            }
        }
        if replyTimeout < 1 { throw ValidationError("--reply-timeout must be at least 1 second") }
        if workerWait.workerWait != nil, coordinator == nil, EnvironmentDefaults.string(nil, "CROSSFOLD_COORDINATOR_CLIENT") == nil {
            throw ValidationError("--worker-wait applies with --coordinator; the embedded cluster starts its own workers")
        }
        if keys.keys != nil, coordinator == nil, EnvironmentDefaults.string(nil, "CROSSFOLD_COORDINATOR_CLIENT") == nil {
            throw ValidationError("--keys applies with --coordinator; the embedded cluster talks over private ipc sockets and needs no keys")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardError)
            Interruption.install()
            try output.checkWritable()
            if remote != nil {
                try await evaluateOnClarifai(logger: logger)
                return
            }
            if fallback != nil {
                // A fallback that could not run anyway is a usage error now, not after the wait.
                _ = try clarifai.configuration(logger: logger)
            }
            do {
                try await evaluateLocally(logger: logger)
            } catch where fallback != nil && CommandFailure.from(error).status == .unavailable {
                Terminal.standardError("crossfold: local evaluation unavailable (\(CommandFailure.from(error).message)); "
                                       + "falling back to Clarifai\n")
                try await evaluateOnClarifai(logger: logger)
            }
        }
    }

    private func evaluateLocally(logger: Logger) async throws {
        let job = try PreparedJob.prepare(evaluation, scratch: scratch, logger: logger)
        let live = Terminal.standardErrorIsTerminal
        if let given = coordinator ?? EnvironmentDefaults.string(nil, "CROSSFOLD_COORDINATOR_CLIENT") {
            // tcp://HOST means the client port 5555, as for submit, jobs and the other job commands.
            let endpoint = try ClientOptions.checked(ClientOptions.withDefaultPort(given, 5555))
            let client = try ClusterClient(
                endpoint: endpoint, timeout: .seconds(replyTimeout), keys: try keys.clientKeys(), logger: logger)
            try await client.connect()
            do {
                let session = JobSession(client: client, logger: logger)
                let id = try await session.submit(job)
                let status = try await session.follow(id, live: live, workerWait: workerWait.duration)
                try await session.finish(status, output: output, threshold: evaluation.threshold, nested: nested ? job : nil)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
            return
        }
        let workers = localWorkers ?? ProcessInfo.processInfo.activeProcessorCount
        try await EmbeddedCluster.run(workers: workers, software: Crossfold.software, logger: logger) { cluster in
            for dataset in job.datasets { cluster.register(dataset.file) }
            let session = JobSession(client: cluster.client, logger: logger)
            let id = try await session.submit(job)
            let status = try await session.watch(id, live: live)
            try await session.finish(status, output: output, threshold: evaluation.threshold, nested: nested ? job : nil)
        }
    }

    private func evaluateOnClarifai(logger: Logger) async throws {
        let configuration = try clarifai.configuration(logger: logger)
        let fetched = try await RemoteEvaluator.evaluate(
            configuration: configuration, request: try clarifai.request(for: configuration),
            timeout: .seconds(clarifai.remoteTimeout), logger: logger)
        // Clarifai's reply as received: nothing dropped, "NaN" strings kept.
        try ResultsOutput.write(response: fetched.response, json: output.json)
        try ResultsOutput.write(metrics: fetched.metrics, html: output.html)
        if output.predictions != nil {
            logger.warning("--predictions is not available for Clarifai evaluations; its per-input results are in the JSON test_set")
        }
        ResultsOutput.printTable(fetched.metrics, threshold: evaluation.threshold, toStandardError: output.usesStandardOutput)
    }
}
