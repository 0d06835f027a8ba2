import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// A job on a coordinator over a state dir, with two workers, dropped without a goodbye once a few
/// of its folds are stored and started again on the same directory and endpoints; then the same
/// job submitted again and run uninterrupted, for comparison. It checks what every restart must
/// give (the job resumes and completes, no fold stored before the drop runs again, their files are
/// untouched) and hands the rest to the test.
struct RestartDrill {
    let client: ClusterClient
    let job: String
    let status: JobStatus
    let storedBefore: [Int: [UInt8]]
    /// Tasks started after the restart.
    let startedAfter: Set<Int>
    let resumed: JobResults
    let reference: JobResults
    let resumeSeconds: Double
    let completedSeconds: Double

    /// - Parameter tasks: the job's task count; the drop comes after 3 of them are stored.
    static func run(
        _ dataset: Dataset, label: String, tasks: Int, spec: (String) -> JobSpec,
        _ body: (RestartDrill) async throws -> Void
    ) async throws {
        try await ExclusiveTests.clusters.run { try await drill(dataset, label: label, tasks: tasks, spec: spec, body) }
    }

    private static func drill(
        _ dataset: Dataset, label: String, tasks: Int, spec: (String) -> JobSpec,
        _ body: (RestartDrill) async throws -> Void
    ) async throws {
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let stateDir = WorkerFixtures.scratchDirectory("\(label)-state")
        let caches = ["a", "b"].map { WorkerFixtures.scratchDirectory("\(label)-worker-\($0)") }
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
        let job = try await client.submit(spec(hash))
        #expect(await tripwire.wait() == .fired)
        await first.drop()
        let storedBefore = RestartableCoordinator.resultFiles(stateDir, job: job)
        #expect((3..<tasks).contains(storedBefore.count), "dropped mid-job: \(storedBefore.count) of \(tasks) folds stored")
        let mark = logs.records.count

        let clock = ContinuousClock()
        let restartedAt = clock.now
        let second = try await RestartableCoordinator.start(stateDir: stateDir, endpoints: endpoints, logs: logs, label: "coordinator-2")
        #expect(try await WorkerTestCluster.eventually { logs.records.dropFirst(mark).contains { $0.message == "job resumed" } })
        #expect(try await WorkerTestCluster.eventually { logs.records.dropFirst(mark).contains { $0.message == "task started" } })
        let resumeSeconds = StoreFixtures.seconds(clock.now - restartedAt)
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        let completedSeconds = StoreFixtures.seconds(clock.now - restartedAt)

        // No fold stored before the drop ran again, and its file is untouched.
        let startedAfter = Set(logs.records.dropFirst(mark)
            .filter { $0.message == "task started" && $0.metadata["job"]?.description == job }
            .compactMap { $0.metadata["task"].flatMap { Int($0.description) } })
        #expect(startedAfter.isDisjoint(with: storedBefore.keys), "re-ran stored folds \(startedAfter.intersection(storedBefore.keys))")
        let storedAfter = RestartableCoordinator.resultFiles(stateDir, job: job)
        #expect(storedAfter.count == tasks)
        for (task, bytes) in storedBefore { #expect(storedAfter[task] == bytes, "task \(task)'s stored result changed") }

        // The same job, uninterrupted, on the restarted coordinator.
        let reference = try await client.submit(spec(hash))
        #expect(try await WorkerTestCluster.waitForEnd(of: reference, client: client).state == .completed)
        try await body(RestartDrill(
            client: client, job: job, status: status, storedBefore: storedBefore, startedAfter: startedAfter,
            resumed: try await client.results(of: job, predictions: true),
            reference: try await client.results(of: reference, predictions: true),
            resumeSeconds: resumeSeconds, completedSeconds: completedSeconds))

        for worker in workers { worker.shutdown() }
        for task in workerTasks { await task.value }
        await client.close()
        await second.drop()
    }
}
