import Cluster
import Datasets
import Foundation
import Logging
import Testing
import TestSupport
import Wire
import ZeroMQ

/// A coordinator on a state dir, dropped in the middle of a job without a goodbye and started
/// again on the same directory and endpoints: the workers and the client find it by themselves,
/// the job resumes without recomputing a stored fold and ends with the metrics of an
/// uninterrupted run.
@Suite(.serialized) struct StoreRestartClusterTests {
    /// Slow enough folds (hundreds of milliseconds each in a debug build) that the job is still
    /// running when the coordinator is dropped.
    static func spec(hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: 10, repeats: 1, seed: 29,
                model: "logistic", params: ["C": "1000", "tol": "1e-12", "max_iter": "400"], threshold: 0.5)
    }

    @Test(.timeLimit(.minutes(5)))
    func aCoordinatorDroppedMidJobResumesFromItsStateDirWithIdenticalMetrics() async throws {
        let dataset = GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let stateDir = WorkerFixtures.scratchDirectory("restart-state")
        let caches = ["a", "b"].map { WorkerFixtures.scratchDirectory("restart-worker-\($0)") }
        defer { ([stateDir] + caches).forEach(WorkerFixtures.remove) }
        let logs = WorkerLogCapture()

        let first = try await RestartableCoordinator.start(
            stateDir: stateDir, endpoints: .loopbackEphemeral, logs: logs, label: "coordinator-1")
        let endpoints = first.endpoints
        let workers = try caches.enumerated().map { index, cache in
            try WorkerService(
                controlEndpoint: endpoints.worker, dataEndpoint: endpoints.data, slots: 1, threads: 1,
                cacheDirectory: cache, name: "w\(index)", logger: logs.logger("w\(index)"), software: "crossfold-test",
                sharedDatasets: SharedDatasets())
        }
        // Dropped once a few folds are stored and most are not; armed before any work starts and
        // watched from a thread of its own, so a busy test process cannot make the drop late.
        let tripwire = Tripwire(when: {
            let job = (try? first.store.jobs())?.first?.id
            return job.map { ((try? first.store.resultCount(of: $0)) ?? 0) >= 3 } ?? false
        }) { first.task.cancel() }
        let workerTasks = workers.map { worker in Task { await worker.run() } }
        let client = try ClusterClient(endpoint: endpoints.client, timeout: .seconds(1), attempts: 20, logger: logs.logger("client"))
        try await client.connect()
        #expect(try await client.upload(bytes, hash: hash))
        let job = try await client.submit(Self.spec(hash: hash))
        #expect(await tripwire.wait() == .fired)
        await first.drop()
        let storedBefore = RestartableCoordinator.resultFiles(stateDir, job: job)
        #expect((3..<10).contains(storedBefore.count), "dropped mid-job: \(storedBefore.count) of 10 folds stored")
        let mark = logs.records.count

        let clock = ContinuousClock()
        let restartedAt = clock.now
        let second = try await RestartableCoordinator.start(stateDir: stateDir, endpoints: endpoints, logs: logs, label: "coordinator-2")
        let resumed = try await WorkerTestCluster.eventually { logs.records.dropFirst(mark).contains { $0.message == "job resumed" } }
        #expect(resumed)
        let firstTaskAfter = try await WorkerTestCluster.eventually {
            logs.records.dropFirst(mark).contains { $0.message == "task started" }
        }
        let resumeSeconds = StoreFixtures.seconds(clock.now - restartedAt)
        #expect(firstTaskAfter)

        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        let completedSeconds = StoreFixtures.seconds(clock.now - restartedAt)

        // No fold stored before the drop ran again, and its file is untouched.
        let startedAfter = Set(logs.records.dropFirst(mark)
            .filter { $0.message == "task started" && $0.metadata["job"]?.description == job }
            .compactMap { $0.metadata["task"].flatMap { Int($0.description) } })
        #expect(startedAfter.isDisjoint(with: storedBefore.keys), "re-ran stored folds \(startedAfter.intersection(storedBefore.keys))")
        let storedAfter = RestartableCoordinator.resultFiles(stateDir, job: job)
        #expect(storedAfter.count == 10)
        for (task, bytes) in storedBefore { #expect(storedAfter[task] == bytes, "task \(task)'s stored result changed") }

        // The same job, uninterrupted, on the restarted coordinator.
        let reference = try await client.submit(Self.spec(hash: hash))
        #expect(try await WorkerTestCluster.waitForEnd(of: reference, client: client).state == .completed)
        let resumedResults = try await client.results(of: job, predictions: true)
        let referenceResults = try await client.results(of: reference, predictions: true)
        #expect(MetricsProvenance.hasProvenance(resumedResults.metricsJSON))
        #expect(try MetricsProvenance.withoutProvenance(resumedResults.metricsJSON)
                == MetricsProvenance.withoutProvenance(referenceResults.metricsJSON))
        #expect(resumedResults.predictions.map(\.scores) == referenceResults.predictions.map(\.scores))

        print("measurement: in-process restart: \(storedBefore.count)/10 folds stored at the drop; "
              + "restart to first task \(String(format: "%.2f", resumeSeconds)) s; restart to completion "
              + "\(String(format: "%.2f", completedSeconds)) s; tasks run after the restart: \(startedAfter.sorted())")
        for worker in workers { worker.shutdown() }
        for task in workerTasks { await task.value }
        await client.close()
        await second.drop()
    }
}

extension CoordinatorEndpoints {
    static let loopbackEphemeral = CoordinatorEndpoints(
        client: "tcp://127.0.0.1:*", worker: "tcp://127.0.0.1:*", data: "tcp://127.0.0.1:*")
}

/// A `CoordinatorServer` over a `DirectoryJobStore`, that can be dropped as a killed process is:
/// its event loop stops between two inputs, nothing more is sent, the sockets close at once and
/// the state dir's lock is released.
struct RestartableCoordinator {
    let server: CoordinatorServer
    let store: DirectoryJobStore
    let endpoints: CoordinatorEndpoints
    let task: Task<Void, Never>

    static func start(stateDir: String, endpoints: CoordinatorEndpoints, logs: WorkerLogCapture, label: String) async throws
        -> RestartableCoordinator {
        let store = try DirectoryJobStore(directory: stateDir, logger: logs.logger(label))
        let server = try CoordinatorServer(endpoints: endpoints, store: store, software: "crossfold-test", logger: logs.logger(label))
        let bound = try await server.listen()
        return RestartableCoordinator(server: server, store: store, endpoints: bound, task: Task { try? await server.run() })
    }

    func drop() async {
        task.cancel()
        await task.value
        store.close()
    }

    /// The bytes of each stored result file of `job`, by task.
    static func resultFiles(_ stateDir: String, job: String) -> [Int: [UInt8]] {
        let folder = "\(stateDir)/jobs/\(job)/results"
        var files: [Int: [UInt8]] = [:]
        for name in WorkerFixtures.files(in: folder) where name.hasSuffix(".bin") {
            if let task = Int(name.dropLast(4)), let bytes = StoreFixtures.bytes("\(folder)/\(name)") { files[task] = bytes }
        }
        return files
    }
}
