import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A worker killed in the middle of fetching a dataset: the coordinator requeues its task, another
/// worker fetches the dataset and completes the job with exact metrics, and a worker restarted on
/// the dead one's cache directory is not misled by the half-written file a kill can leave there.
@Suite(.serialized) struct FaultFetchTests {
    /// 30,000 rows of 256 features (31 MB canonical), four concepts around distinct centres.
    static func largeDataset() -> Dataset {
        let (rows, features, concepts) = (30_000, 256, 4)
        var state: UInt64 = 0x5EED
        var values = [Float](repeating: 0, count: rows * features)
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows {
            let concept = row % concepts
            labels[row * concepts + concept] = 1
            for feature in 0..<features {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Float(state >> 40) / Float(1 << 24) - 0.5
                values[row * features + feature] = (feature % concepts == concept ? 1 : 0) + noise
            }
        }
        return Dataset(featureCount: features, features: values, concepts: (0..<concepts).map { "c\($0)" }, labels: labels,
                       ids: (0..<rows).map { "r\($0)" }, isMultiLabel: false)
    }

    static func spec(seed: UInt64, hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "large.cfds", split: "stratified", folds: 2, repeats: 1, seed: seed,
                model: "centroid", params: [:], threshold: 0.5)
    }

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func aWorkerKilledMidFetchLosesOnlyItsAttemptAndARestartIgnoresPartialFiles() async throws {
        try await ExclusiveTests.run { try await runAWorkerKilledMidFetchLosesOnlyItsAttemptAndARestartIgnoresPartialFiles() }
    }

    private func runAWorkerKilledMidFetchLosesOnlyItsAttemptAndARestartIgnoresPartialFiles() async throws {
        let (dataset, bytes, hash) = try await DedicatedThread.run {
            let dataset = Self.largeDataset()
            let (bytes, hash) = WorkerFixtures.canonical(dataset)
            return (dataset, bytes, hash)
        }
        #expect(bytes.count > 30_000_000)
        let cluster = try await WorkerTestCluster()
        let doomedCache = WorkerFixtures.scratchDirectory("fault-doomed")
        let survivorCache = WorkerFixtures.scratchDirectory("fault-survivor")
        defer { [doomedCache, survivorCache].forEach(WorkerFixtures.remove) }
        let client = try await cluster.client()
        #expect(try await client.upload(bytes, hash: hash))

        // The doomed worker fetches from a data socket serving a chunk every 100 ms: 31 chunks
        // take about 3 s, and it is killed a third of the way through.
        let slow = FaultSlowDataServer(hash: hash, bytes: bytes, delay: .milliseconds(100))
        defer { slow.stop() }
        #expect(try await WorkerTestCluster.eventually(within: .seconds(10)) { slow.endpoint.withLock { $0 != nil } })
        let slowEndpoint = try #require(slow.endpoint.withLock { $0 })
        let doomed = try cluster.startWorker("doomed", cacheDirectory: doomedCache, dataEndpoint: slowEndpoint)
        #expect(try await WorkerTestCluster.eventually { doomed.service.health.connected })
        let first = Self.spec(seed: 5, hash: hash)
        let job = try await client.submit(first)
        #expect(try await WorkerTestCluster.eventually { slow.served.withLock { $0 } >= 10 && doomed.service.health.fetching == 1 })
        let servedAtKill = slow.served.withLock { $0 }
        let clock = ContinuousClock()
        let killed = clock.now
        await doomed.abandon()
        #expect(servedAtKill < slow.chunkCount, "the fetch finished before the kill")
        #expect(!cluster.logs.messages(where: "worker", is: "doomed").contains("dataset verified and cached"))
        #expect(!WorkerFixtures.files(in: doomedCache).contains("\(hash).cfds"))

        // The coordinator notices (a send to the dead connection fails, or 5 s of silence) and
        // requeues; another worker fetches the dataset from the coordinator and completes the job.
        #expect(try await WorkerTestCluster.eventually(within: .seconds(30)) {
            cluster.logs.records.contains { $0.message == "task requeued" }
        })
        let requeuedAfter = clock.now - killed
        let survivor = try cluster.startWorker("survivor", cacheDirectory: survivorCache)
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client, deadline: .seconds(300))
        let completedAfter = clock.now - killed
        #expect(status.state == .completed, "\(status)")
        #expect(status.attemptsLost >= 1, "\(status)")
        #expect(cluster.logs.records.contains { $0.message == "task requeued" })
        try await Self.expectExactResults(of: job, spec: first, dataset: dataset, client: client)
        #expect(cluster.logs.messages(where: "worker", is: "survivor").contains("fetching dataset"))
        await survivor.stop()
        print("fault fetch: \(bytes.count) bytes; worker killed after \(servedAtKill) of \(slow.chunkCount) chunks; "
              + "task requeued \(requeuedAfter) after the kill; job completed \(completedAfter) after it on the survivor")

        // What a kill during the cache write leaves behind: a partial temporary file, and one from
        // a kill long ago. A worker restarted on the directory must not take either for the
        // dataset: it fetches the dataset anew, removes only the old leftover, and completes.
        let freshPartial = "\(doomedCache)/.\(hash).cfds.4242.17.tmp"
        let oldPartial = "\(doomedCache)/.\(hash).cfds.4241.16.tmp"
        try Data(bytes[..<(bytes.count / 2)]).write(to: URL(fileURLWithPath: freshPartial))
        try Data(bytes[..<4096]).write(to: URL(fileURLWithPath: oldPartial))
        var twoHoursAgo = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        _ = utimes(oldPartial, &twoHoursAgo)
        let restarted = try cluster.startWorker("doomed-restarted", cacheDirectory: doomedCache)
        #expect(try await WorkerTestCluster.eventually { restarted.service.health.connected })
        let second = Self.spec(seed: 6, hash: hash)
        let again = try await client.submit(second)
        #expect(try await WorkerTestCluster.waitForEnd(of: again, client: client, deadline: .seconds(300)).state == .completed)
        try await Self.expectExactResults(of: again, spec: second, dataset: dataset, client: client)
        let restartedLog = cluster.logs.messages(where: "worker", is: "doomed-restarted")
        #expect(restartedLog.contains("removed an unfinished cache write"))
        #expect(restartedLog.contains("fetching dataset"))
        #expect(!restartedLog.contains("dataset in the cache; not fetching it"))
        #expect(FileManager.default.fileExists(atPath: freshPartial), "a young temporary file may be another worker's write")
        #expect(!FileManager.default.fileExists(atPath: oldPartial))
        let entry = try Data(contentsOf: URL(fileURLWithPath: "\(doomedCache)/\(hash).cfds"))
        #expect(SHA256Hasher.hash(Array(entry)) == hash)
        await restarted.stop()
        await client.close()
        await cluster.stop()
    }

    static func expectExactResults(of job: String, spec: JobSpec, dataset: Dataset, client: ClusterClient) async throws {
        let results = try await client.results(of: job, predictions: true)
        let expected = try await DedicatedThread.run { try ExpectedEvaluation(dataset: dataset, spec: spec) }
        #expect(results.predictions.first?.folds == expected.outOfFold.folds)
        #expect(results.predictions.first?.scores == expected.outOfFold.scores)
        #expect(try WorkerExamples.summary(of: results.metricsJSON) == WorkerExamples.summary(of: expected.result))
    }
}
