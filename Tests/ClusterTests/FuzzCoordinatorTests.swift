import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// The coordinator under attack on all three sockets, over tcp://127.0.0.1, while normal jobs run
/// beside the attack on a real worker: at least 100,000 seeded random and mutated messages per
/// socket (`FuzzSocketRig`). The coordinator must keep answering, every job must end with exactly
/// the metrics computed locally, and memory must stay bounded.
///
/// `CROSSFOLD_FUZZ_SEED` replays a run; `CROSSFOLD_FUZZ_MESSAGES` changes the count per socket;
/// `CROSSFOLD_FUZZ_BATCH` the messages per socket between INFO probes (250; 100000 floods without
/// pacing, which the coordinator survives but queues: its own client then times out).
@Suite(.serialized) struct FuzzCoordinatorTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_SEED"] ?? "") ?? 0x50C6E7
    static let perTarget = Int(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_MESSAGES"] ?? "") ?? 100_000

    static func spec(seed: UInt64, hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: 5, repeats: 1, seed: seed,
                model: "logistic", params: [:], threshold: 0.5)
    }

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func theCoordinatorSurvivesHostileMessagesOnEverySocketWhileJobsRunBeside() async throws {
        try await ExclusiveTests.run { try await runTheCoordinatorSurvivesHostileMessagesOnEverySocketWhileJobsRunBeside() }
    }

    private func runTheCoordinatorSurvivesHostileMessagesOnEverySocketWhileJobsRunBeside() async throws {
        let iris = try WorkerExamples.iris()
        let logs = FuzzLogCounter()
        let server = try CoordinatorServer(
            endpoints: CoordinatorEndpoints(client: "tcp://127.0.0.1:*", worker: "tcp://127.0.0.1:*", data: "tcp://127.0.0.1:*"),
            // As on a small host: the absurd job sizes the fuzz sends are refused, not run.
            software: "crossfold-fuzz", memoryBytes: JobLimits.defaultMemoryBytes, logger: logs.logger("coordinator"))
        let endpoints = try await server.listen()
        let serverTask = Task { try await server.run() }
        let cache = WorkerFixtures.scratchDirectory("fuzz-worker")
        defer { WorkerFixtures.remove(cache) }
        let worker = try WorkerService(
            controlEndpoint: endpoints.worker, dataEndpoint: endpoints.data, slots: 1, threads: 1, cacheDirectory: cache,
            name: "honest", logger: logs.logger("worker"), software: "crossfold-fuzz", sharedDatasets: SharedDatasets())
        let workerTask = Task { await worker.run() }
        let client = try ClusterClient(endpoint: endpoints.client, timeout: .seconds(2), attempts: 10, logger: logs.logger("client"))
        try await client.connect()
        #expect(try await client.upload(iris.bytes, hash: iris.hash))

        // Expected metrics of the jobs run beside the fuzz, one seed each, computed locally.
        let seeds: [UInt64] = [11, 12, 13]
        let expected = try await DedicatedThread.run {
            var expected: [UInt64: ExpectedEvaluation] = [:]
            for seed in seeds { expected[seed] = try ExpectedEvaluation(dataset: iris.dataset, spec: Self.spec(seed: seed, hash: iris.hash)) }
            return expected
        }
        let foldSizes = try #require(expected[seeds[0]]).predictions.map(\.rows.count)

        let small = CanonicalDataset.encode(GaussianClusters.make(rows: 20, features: 2, concepts: 2, seed: 3))
        var world = FuzzWorld(dataset: iris.hash, datasetSize: iris.bytes.count, rows: iris.dataset.rowCount,
                              concepts: iris.dataset.conceptCount, foldSizes: foldSizes)
        world.uploadable = [(SHA256Hasher.hash(small), small)]
        let rig = FuzzSocketRig(.init(
            seed: Self.seed, perTarget: Self.perTarget, batch: Int(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_BATCH"] ?? "") ?? 250, endpoints: endpoints, world: world, dataset: iris.dataset,
            maxAttempts: SchedulerConfiguration().maxAttempts))

        let clock = ContinuousClock()
        let started = clock.now
        let rssBefore = FuzzProcess.residentBytes
        rig.start()
        var completed = 0
        var round = 0
        // Jobs one after another for as long as the fuzz runs, and one more after it.
        repeat {
            let seed = seeds[round % seeds.count]
            round += 1
            let job = try await client.submit(Self.spec(seed: seed, hash: iris.hash))
            let status = try await WorkerTestCluster.waitForEnd(of: job, client: client, deadline: .seconds(240))
            #expect(status.state == .completed, "job \(round) (seed \(seed)): \(status)")
            guard status.state == .completed else { break }
            let results = try await client.results(of: job, predictions: true)
            let local = try #require(expected[seed])
            #expect(results.predictions.first?.folds == local.outOfFold.folds, "job \(round)")
            #expect(results.predictions.first?.scores == local.outOfFold.scores, "job \(round)")
            #expect(try WorkerExamples.summary(of: results.metricsJSON) == WorkerExamples.summary(of: local.result))
            completed += 1
            // A pause between jobs: the fuzz, not the learners, should have the CPU.
            try await Task.sleep(for: .milliseconds(500))
        } while !rig.isFinished || round < 2
        let elapsed = clock.now - started
        let rssAfter = FuzzProcess.residentBytes
        let info = try await client.info()

        let stats = rig.statistics.withLock { $0 }
        #expect(stats.failure == nil, "\(stats.failure ?? "")")
        for target in FuzzTarget.allCases {
            #expect(stats.sent[target, default: 0] >= Self.perTarget, "\(target): \(stats.sent[target, default: 0]) sent")
        }
        #expect(stats.probeTimeouts == 0, "the coordinator missed \(stats.probeTimeouts) INFO probes")
        #expect(info.software == "crossfold-fuzz")
        #expect(completed >= 2)
        #expect(rssAfter - rssBefore < 512 << 20, "RSS grew \((rssAfter - rssBefore) >> 20) MiB")
        // The honest worker is registered at the end (a reconnect on the way, when the machine is
        // so loaded that 5 s pass without a heartbeat, is reported, not failed).
        #expect(worker.health.connected)
        let reconnects = logs.count("worker", "lost the coordinator; reconnecting")

        let malformed = logs.count("coordinator", "dropped a malformed message")
        print("""
            fuzz sockets: seed \(Self.seed), \(elapsed) for \(stats.rounds) rounds; sent \(FuzzTarget.allCases.map { "\($0) \(stats.sent[$0, default: 0])" }.joined(separator: ", ")); \
            dropped at high-water marks \(stats.dropped.values.reduce(0, +)); skipped \(stats.skipped.values.reduce(0, +)); \
            malformed logged \(malformed); fuzz workers answered \(stats.tasksAnswered) tasks, re-registered \(stats.reRegistrations) times; \
            fuzz jobs cancelled \(stats.jobsCancelled); \(stats.probes) INFO probes, slowest \(stats.slowestProbe); \
            jobs beside \(completed) completed exactly, honest worker reconnects \(reconnects); RSS \(rssBefore >> 20) -> \(rssAfter >> 20) MiB (peak \(FuzzProcess.peakResidentBytes >> 20) MiB)
            fuzz sockets: replies \(stats.replies.sorted { $0.key < $1.key })
            """)
        worker.shutdown()
        await workerTask.value
        await client.close()
        server.shutdown()
        _ = await serverTask.result
    }
}
