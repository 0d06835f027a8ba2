import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// A worker's cached dataset damaged on disk (a bit flipped in a feature: the file still decodes,
/// only the hash can tell): between runs, found when the cache opens; and while the worker runs,
/// found when a task loads the file. Either way the entry is deleted and logged, the dataset is
/// fetched again, and the job ends with exactly the local metrics.
@Suite(.serialized) struct FaultCacheTests {
    static func spec(seed: UInt64, hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: 5, repeats: 1, seed: seed,
                model: "logistic", params: [:], threshold: 0.5)
    }

    /// Flips one bit of a feature value of the cached entry, keeping the file decodable.
    static func damage(_ directory: String, hash: String) throws {
        let path = "\(directory)/\(hash).cfds"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[CanonicalDataset.headerLength + 4 * 17 + 2] ^= 0x10
        #expect((try? CanonicalDataset.decode(bytes, file: "damaged")) != nil, "the damage must be one only the hash shows")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func expectExact(_ job: String, spec: JobSpec, iris: (bytes: [UInt8], hash: String, dataset: Dataset),
                            client: ClusterClient) async throws {
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        let results = try await client.results(of: job, predictions: true)
        let expected = try await DedicatedThread.run { try ExpectedEvaluation(dataset: iris.dataset, spec: spec) }
        #expect(results.predictions.first?.scores == expected.outOfFold.scores)
        #expect(try WorkerExamples.summary(of: results.metricsJSON) == WorkerExamples.summary(of: expected.result))
    }

    @Test(.timeLimit(.minutes(3)))
    func anEntryDamagedBetweenRunsIsDeletedWhenTheCacheOpensAndFetchedAgain() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await WorkerTestCluster()
        let cache = WorkerFixtures.scratchDirectory("fault-cache-between")
        defer { WorkerFixtures.remove(cache) }
        let client = try await cluster.client()
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let first = try cluster.startWorker("first-run", cacheDirectory: cache)
        let spec = Self.spec(seed: 21, hash: iris.hash)
        try await Self.expectExact(try await client.submit(spec), spec: spec, iris: iris, client: client)
        await first.stop()
        #expect(WorkerFixtures.files(in: cache).contains("\(iris.hash).cfds"))

        try Self.damage(cache, hash: iris.hash)
        let second = try cluster.startWorker("second-run", cacheDirectory: cache)
        let again = Self.spec(seed: 22, hash: iris.hash)
        try await Self.expectExact(try await client.submit(again), spec: again, iris: iris, client: client)
        let log = cluster.logs.messages(where: "worker", is: "second-run")
        #expect(log.contains("deleted a corrupted cache entry; it will be fetched again when needed"))
        #expect(log.contains("fetching dataset"))
        #expect(log.contains("dataset verified and cached"))
        let entry = try Data(contentsOf: URL(fileURLWithPath: "\(cache)/\(iris.hash).cfds"))
        #expect(SHA256Hasher.hash(Array(entry)) == iris.hash)
        await second.stop()
        await client.close()
        await cluster.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func anEntryDamagedWhileTheWorkerRunsIsCaughtWhenATaskLoadsIt() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await WorkerTestCluster()
        let cache = WorkerFixtures.scratchDirectory("fault-cache-running")
        defer { WorkerFixtures.remove(cache) }
        // A sound entry, written as a previous run would have.
        let previous = try DatasetCache(directory: cache, logger: cluster.logs.logger("previous"))
        try previous.store(iris.bytes, hash: iris.hash)
        let client = try await cluster.client()
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let worker = try cluster.startWorker("running", cacheDirectory: cache)
        #expect(try await WorkerTestCluster.eventually { worker.service.health.connected })
        // The cache opened and verified the entry (READY announced it); now the disk changes.
        #expect(cluster.logs.messages(where: "worker", is: "running").contains("dataset cache opened"))
        try Self.damage(cache, hash: iris.hash)

        let spec = Self.spec(seed: 23, hash: iris.hash)
        try await Self.expectExact(try await client.submit(spec), spec: spec, iris: iris, client: client)
        let log = cluster.logs.messages(where: "worker", is: "running")
        #expect(log.contains("deleted a corrupted cache entry; it will be fetched again when needed"))
        #expect(log.contains("dataset no longer available; the task waits while it is fetched again"))
        #expect(log.contains("fetching dataset"))
        await worker.stop()
        await client.close()
        await cluster.stop()
    }
}
