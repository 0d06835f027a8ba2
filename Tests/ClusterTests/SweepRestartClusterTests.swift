import Cluster
import Datasets
import Evaluation
import Foundation
import Logging
import Testing
import TestSupport
import Wire

/// A sweep on a coordinator dropped mid-job and started again on its state dir (as
/// `StoreRestartClusterTests` does for one model): it resumes without recomputing a stored fold and
/// ends with every configuration's metrics those of an uninterrupted sweep.
@Suite(.serialized) struct SweepRestartClusterTests {
    /// Two slow logistic configurations and a quick centroid (fitted from per-fold sums), 4 folds each.
    static func spec(hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: 4, repeats: 1, seed: 31,
                model: JobSpec.sweepModel, params: [:], threshold: 0.5, configurations: [
                    ModelConfiguration(model: "logistic", params: ["C": "1000", "tol": "1e-12", "max_iter": "400"]),
                    ModelConfiguration(model: "logistic", params: ["C": "0.01", "tol": "1e-12", "max_iter": "400"]),
                    ModelConfiguration(model: "centroid", params: [:]),
                ])
    }

    /// The sweep's JSON with each configuration's provenance removed.
    static func withoutProvenance(_ json: [UInt8]) throws -> [JSONValue] {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        return try (document["configurations"]?.arrayValue ?? []).map { entry in
            let metrics = try JSONEncoder().encode(entry["eval_metrics"] ?? .null)
            return .object([
                "model": entry["model"] ?? .null, "params": entry["params"] ?? .null,
                "eval_metrics": try MetricsProvenance.withoutProvenance(Array(metrics)),
            ])
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aSweepOnACoordinatorDroppedMidJobResumesWithIdenticalMetrics() async throws {
        let dataset = GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let stateDir = WorkerFixtures.scratchDirectory("sweep-restart-state")
        let caches = ["a", "b"].map { WorkerFixtures.scratchDirectory("sweep-restart-worker-\($0)") }
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
        #expect((3..<12).contains(storedBefore.count), "dropped mid-sweep: \(storedBefore.count) of 12 folds stored")
        let mark = logs.records.count

        let second = try await RestartableCoordinator.start(stateDir: stateDir, endpoints: endpoints, logs: logs, label: "coordinator-2")
        #expect(try await WorkerTestCluster.eventually { logs.records.dropFirst(mark).contains { $0.message == "job resumed" } })
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        #expect(status.configurations == 3 && status.tasksTotal == 12, "\(status)")

        let startedAfter = Set(logs.records.dropFirst(mark)
            .filter { $0.message == "task started" && $0.metadata["job"]?.description == job }
            .compactMap { $0.metadata["task"].flatMap { Int($0.description) } })
        #expect(startedAfter.isDisjoint(with: storedBefore.keys), "re-ran stored folds \(startedAfter.intersection(storedBefore.keys))")
        let storedAfter = RestartableCoordinator.resultFiles(stateDir, job: job)
        #expect(storedAfter.count == 12)
        for (task, bytes) in storedBefore { #expect(storedAfter[task] == bytes, "task \(task)'s stored result changed") }

        let reference = try await client.submit(Self.spec(hash: hash))
        #expect(try await WorkerTestCluster.waitForEnd(of: reference, client: client).state == .completed)
        let resumedResults = try await client.results(of: job, predictions: true)
        let referenceResults = try await client.results(of: reference, predictions: true)
        let resumed = try Self.withoutProvenance(resumedResults.metricsJSON)
        #expect(resumed.count == 3)
        #expect(resumed == (try Self.withoutProvenance(referenceResults.metricsJSON)))
        #expect(resumedResults.header.repeats == 3, "a predictions section per configuration")
        #expect(resumedResults.predictions.map(\.scores) == referenceResults.predictions.map(\.scores))

        for worker in workers { worker.shutdown() }
        for task in workerTasks { await task.value }
        await client.close()
        await second.drop()
    }
}
