import Cluster
import Foundation
import Testing
import TestSupport
import Wire

/// Verification by recomputation end to end, in this process over 127.0.0.1: a lying worker
/// (`debugAlterScores`, debug builds) is caught and quarantined, and the job's results are those of
/// an honest computation.
@Suite(.serialized) struct VerificationClusterTests {
    static func spec(hash: String, verify: Double?) -> JobSpec {
        var spec = JobSpec(
            dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: 6, repeats: 1, seed: 11,
            model: "logistic", params: [:], threshold: 0.5)
        spec.verify = verify
        return spec
    }

    #if DEBUG
    /// An in-process cluster of several workers: one such test at a time (`ExclusiveTests.clusters`).
    @Test(.timeLimit(.minutes(10)))
    func aLyingWorkerIsCaughtQuarantinedAndTheResultsAreTheHonestOnes() async throws { try await ExclusiveTests.clusters.run { try await runALyingWorkerIsCaughtQuarantinedAndTheResultsAreTheHonestOnes() } }

    private func runALyingWorkerIsCaughtQuarantinedAndTheResultsAreTheHonestOnes() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await WorkerTestCluster()
        let caches = (0..<3).map { WorkerFixtures.scratchDirectory("verify-\($0)") }
        defer { caches.forEach(WorkerFixtures.remove) }
        let workers = [
            try cluster.startWorker("honest-a", cacheDirectory: caches[0]),
            try cluster.startWorker("honest-b", cacheDirectory: caches[1]),
            try cluster.startWorker("liar", cacheDirectory: caches[2], alterScores: 1),
        ]
        let client = try await cluster.client()
        // Every worker registered before the job, so that all three take part.
        for _ in 0..<200 where try await client.info().workers < 3 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await client.info().workers == 3)
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let spec = Self.spec(hash: iris.hash, verify: 0.2)
        let job = try await client.submit(spec)
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        let summary = try #require(status.verification)
        #expect(summary.notRun == nil && summary.finished)
        #expect(summary.quarantined.count == 1, "\(summary)")
        #expect(summary.mismatches >= 1)
        #expect(summary.tasksChecked >= 2)

        let liarID = try #require(summary.quarantined.first)
        let quarantined = cluster.logs.records.filter { $0.message == "worker quarantined: it gets no more tasks" }
        #expect(quarantined.map { $0.metadata["worker"]?.description } == [liarID])
        // The liar's id (a loaded machine can make it reconnect, under a new routing id, before the job).
        let liarIDs = cluster.logs.records
            .filter { $0.message == "worker joined" && $0.metadata["name"]?.description == "liar" }
            .compactMap { $0.metadata["worker"]?.description }
        #expect(liarIDs.contains(liarID), "quarantined \(liarID), the liar joined as \(liarIDs)")

        // The stored results are the honest ones, bit for bit.
        let results = try await client.results(of: job, predictions: true)
        let expected = try ExpectedEvaluation(dataset: iris.dataset, spec: spec)
        #expect(results.predictions.first?.scores == expected.outOfFold.scores)
        #expect(try WorkerExamples.summary(of: results.metricsJSON) == WorkerExamples.summary(of: expected.result))
        let text = String(decoding: results.metricsJSON, as: UTF8.self)
        #expect(text.contains("\"verification\""))
        #expect(!text.contains("\"worker\":\"\(liarID)\""))

        await client.close()
        for worker in workers { await worker.stop() }
        await cluster.stop()
    }
    #endif

    /// An in-process cluster of several workers: one such test at a time (`ExclusiveTests.clusters`).
    @Test(.timeLimit(.minutes(10)))
    func withOneWorkerTheJobSaysVerificationCouldNotRun() async throws { try await ExclusiveTests.clusters.run { try await runWithOneWorkerTheJobSaysVerificationCouldNotRun() } }

    private func runWithOneWorkerTheJobSaysVerificationCouldNotRun() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await WorkerTestCluster()
        let cache = WorkerFixtures.scratchDirectory("verify-alone")
        defer { WorkerFixtures.remove(cache) }
        let worker = try cluster.startWorker("alone", cacheDirectory: cache)
        let client = try await cluster.client()
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let job = try await client.submit(Self.spec(hash: iris.hash, verify: 0.5))
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        #expect(status.verification?.notRun?.hasPrefix("fewer than 2 workers") == true, "\(String(describing: status.verification))")
        let results = try await client.results(of: job, predictions: false)
        #expect(String(decoding: results.metricsJSON, as: UTF8.self).contains("fewer than 2 workers"))
        await client.close()
        await worker.stop()
        await cluster.stop()
    }
}
