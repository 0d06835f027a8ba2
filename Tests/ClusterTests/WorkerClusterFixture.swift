import Cluster
import Datasets
import Evaluation
import Folds
import Foundation
import Learners
import Logging
import Synchronization
import TestSupport
import Wire

/// A coordinator on tcp://127.0.0.1 ephemeral ports, running in this process, with workers and a
/// client started on demand, for end-to-end tests over real sockets.
final class WorkerTestCluster: Sendable {
    let server: CoordinatorServer
    let endpoints: CoordinatorEndpoints
    let serverTask: Task<Void, Never>
    let logs = WorkerLogCapture()

    init(memoryBytes: Int? = nil) async throws {
        server = try CoordinatorServer(
            endpoints: CoordinatorEndpoints(client: "tcp://127.0.0.1:*", worker: "tcp://127.0.0.1:*", data: "tcp://127.0.0.1:*"),
            software: "crossfold-test", memoryBytes: memoryBytes, logger: logs.logger("coordinator"))
        endpoints = try await server.listen()
        let server = self.server
        serverTask = Task { try? await server.run() }
    }

    /// A worker with a cache directory of its own, running until `stop` (or `abandon`).
    /// With `alterScores`, a lying worker (debug builds): that fraction of its results altered.
    func startWorker(
        _ name: String, cacheDirectory: String, dataEndpoint: String? = nil, slots: Int = 1, alterScores: Double = 0
    ) throws -> RunningWorker {
        let service = try WorkerService(
            controlEndpoint: endpoints.worker, dataEndpoint: dataEndpoint ?? endpoints.data, slots: slots, threads: 1,
            cacheDirectory: cacheDirectory, name: name, logger: logs.logger(name), software: "crossfold-test",
            healthFile: cacheDirectory + "/health.json",
            // Not the process registry: these workers must fetch through the data socket.
            sharedDatasets: SharedDatasets(), debugAlterScores: alterScores)
        return RunningWorker(service: service, task: Task { await service.run() })
    }

    func client() async throws -> ClusterClient {
        // A short timeout: the client's first request can be refused while its connection is still
        // being made (IMMEDIATE), and is only resent after the timeout.
        let client = try ClusterClient(
            endpoint: endpoints.client, timeout: .seconds(1), attempts: 10, logger: logs.logger("client"))
        try await client.connect()
        return client
    }

    func stop() async {
        server.shutdown()
        await serverTask.value
    }

    /// Polls `status` until the job ends or `deadline` passes.
    static func waitForEnd(of job: String, client: ClusterClient, deadline: Duration = .seconds(120)) async throws -> JobStatus {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while true {
            let status = try await client.status(of: job)
            if status.state.isFinal || clock.now > end { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Polls `condition` every 10 ms until it holds or `deadline` passes; returns whether it held.
    /// The default allows for the suite's first minute, when every test starts at once and the
    /// in-process workers' tasks wait their turn on two cores (the test that waits this long for
    /// two workers to connect took 66 s in all in a local CI run; it failed at 60 s in another).
    static func eventually(within deadline: Duration = .seconds(120), _ condition: () -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while !condition() {
            if clock.now > end { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}

struct RunningWorker: Sendable {
    let service: WorkerService
    let task: Task<Void, Never>

    func stop() async {
        service.shutdown()
        await task.value
    }

    func abandon() async {
        service.abandon()
        await task.value
    }
}

/// What a job should produce, computed here directly with the fold task and the evaluator.
struct ExpectedEvaluation {
    let dataset: Dataset
    let predictions: [FoldPredictions]
    let result: EvaluationResult

    init(dataset: Dataset, spec: JobSpec) throws {
        self.dataset = dataset
        let strategy = SplitStrategy(rawValue: spec.split) ?? .stratified
        let plan = try FoldPlanner.plan(
            for: dataset, strategy: strategy, folds: spec.folds, repeats: spec.repeats, seed: spec.seed,
            source: spec.datasetName)
        let learner = LearnerSpec(model: spec.model, params: spec.params, seed: spec.seed)
        predictions = try (0..<spec.folds).map { fold in
            // As a worker runs it: with the fold of every row, so centroid and naive-bayes fit from
            // the same per-fold sums.
            try FoldTask.run(
                dataset: dataset, trainRows: plan.trainRows(repeat: 0, fold: fold),
                testRows: plan.testRows(repeat: 0, fold: fold), repeatIndex: 0, fold: fold, spec: learner,
                partitions: FoldPartitions(folds: spec.folds, assignments: plan.assignments[0], dataset: spec.dataset))
        }
        result = try Evaluator.evaluate(
            dataset: dataset, predictions: predictions, folds: spec.folds, repeats: 1, threshold: spec.threshold)
    }

    /// The out-of-fold fold ids and scores in input order, as the coordinator returns them.
    var outOfFold: (folds: [Int32], scores: [Float]) {
        let concepts = dataset.conceptCount
        var folds = [Int32](repeating: -1, count: dataset.rowCount)
        var scores = [Float](repeating: 0, count: dataset.rowCount * concepts)
        for task in predictions {
            for (position, row) in task.rows.enumerated() {
                folds[row] = Int32(task.fold)
                for concept in 0..<concepts {
                    scores[row * concepts + concept] = task.scores[position * concepts + concept]
                }
            }
        }
        return (folds, scores)
    }
}

enum WorkerExamples {
    /// The repository's examples directory.
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
    }

    /// iris.jsonl as the coordinator will hold it: canonical bytes, hash, decoded dataset.
    static func iris() throws -> (bytes: [UInt8], hash: String, dataset: Dataset) {
        let loaded = try DatasetReader.load(path: directory + "/iris.jsonl")
        let (bytes, hash) = WorkerFixtures.canonical(loaded)
        return (bytes, hash, try CanonicalDataset.decode(bytes, file: "iris"))
    }

    /// The summary of EvalMetrics JSON. Read with `JSONDecoder`: Foundation's `JSONSerialization`
    /// on Linux can round the last digit of a double.
    struct Summary: Decodable, Equatable {
        var macroAvgRocAuc: Double?
        var macroStdRocAuc: Double?
        var macroAvgF1Score: Double?
        var macroAvgPrecision: Double?
        var macroAvgRecall: Double?
    }

    static func summary(of json: [UInt8]) throws -> Summary? {
        struct Metrics: Decodable { var summary: Summary? }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Metrics.self, from: Data(json)).summary
    }

    /// The summary the coordinator writes for `result` (Clarifai's, the same arithmetic: the run
    /// description does not enter it).
    static func summary(of result: EvaluationResult) -> Summary {
        let run = RunDescription(
            model: "-", seed: 0, split: "-", folds: result.folds, repeats: result.repeats, threshold: result.threshold,
            dataset: .init(path: "-", sha256: "-", rows: result.rowCount))
        let summary = result.evalMetrics(run: run).summary
        return Summary(
            macroAvgRocAuc: summary?.macroAvgRocAuc, macroStdRocAuc: summary?.macroStdRocAuc,
            macroAvgF1Score: summary?.macroAvgF1Score, macroAvgPrecision: summary?.macroAvgPrecision,
            macroAvgRecall: summary?.macroAvgRecall)
    }

    /// A TCP port on 127.0.0.1 that refuses connections for the rest of the test run
    /// (`CLIUnusedPort`, kept bound: a port closed again could go to a server of a test beside).
    static func closedPort() -> Int {
        guard let port = try? CLIUnusedPort() else { return 1 }
        heldPorts.withLock { $0.append(port) }
        return port.port
    }

    private static let heldPorts = Mutex<[CLIUnusedPort]>([])
}
