import Cluster
import Datasets
import Foundation
import Testing
import Wire
import ZeroMQ

/// Dataset shipping over loopback for docs/PERFORMANCE.md, off by default (it moves hundreds of
/// megabytes): `CROSSFOLD_BENCHMARKS=1 swift test --filter WorkerBenchmarks`, best in a release build.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CROSSFOLD_BENCHMARKS"] != nil), .serialized)
struct WorkerBenchmarks {
    /// Uploads a 256 MiB dataset, has a worker fetch it (credit 8 × 1 MiB over tcp://127.0.0.1) and
    /// reports the fetch rate the worker logs, then the time to verify and cache it.
    @Test(.timeLimit(.minutes(10)))
    func fetchRateOverLoopback() async throws {
        let rows = 1 << 18
        let features = 256
        let dataset = Dataset(
            featureCount: features,
            features: (0..<(rows * features)).map { Float($0 % 1_000) / 1_000 },
            concepts: ["a", "b"],
            labels: (0..<rows).flatMap { $0 % 2 == 0 ? [UInt8(1), 0] : [0, 1] },
            ids: (0..<rows).map { "r\($0)" },
            isMultiLabel: false)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let cluster = try await WorkerTestCluster()
        let cache = WorkerFixtures.scratchDirectory("worker-bench")
        defer { WorkerFixtures.remove(cache) }
        let client = try await cluster.client()
        let clock = ContinuousClock()
        var started = clock.now
        try await client.upload(PinnedBuffer(bytes), hash: hash, verifyTimeout: .seconds(600))
        let upload = clock.now - started
        let worker = try cluster.startWorker("bench", cacheDirectory: cache)
        #expect(try await WorkerTestCluster.eventually { worker.service.health.connected })
        started = clock.now
        let job = try await client.submit(JobSpec(
            dataset: hash, datasetName: "bench", split: "random", folds: 2, repeats: 1, seed: 1, model: "centroid",
            params: [:], threshold: 0.5))
        #expect(try await WorkerTestCluster.eventually(within: .seconds(600)) {
            cluster.logs.messages(where: "worker", is: "bench").contains("dataset verified and cached")
        })
        let ready = clock.now - started
        try await client.cancel(job)
        let fetched = cluster.logs.records.first { $0.message == "dataset fetched" }
        let line = "dataset \(bytes.count >> 20) MiB: upload \(upload), fetch \(fetched?.metadata["seconds"] ?? "?") s "
            + "(\(fetched?.metadata["mb_per_s"] ?? "?") MB/s), submit to cached \(ready)\n"
        FileHandle.standardError.write(Data(line.utf8))
        await worker.stop()
        await client.close()
        await cluster.stop()
    }
}
