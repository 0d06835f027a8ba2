import Cluster
import Foundation
import Testing
import Wire
import ZeroMQ

/// Workers serving each other with CURVE keys (docs/SECURITY.md, Worker data ports): a worker
/// fetches a dataset whole from another over CURVE, and the data port refuses a key the
/// coordinator does not admit.
@Suite(.serialized) struct CurvePeerTests {
    @Test(.timeLimit(.minutes(2)))
    func aWorkerFetchesFromAnotherOverCurveAndAKeyNotAdmittedIsRefused() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster()
        let caches = (0..<2).map { WorkerFixtures.scratchDirectory("secure-peer-\($0)") }
        defer { caches.forEach(WorkerFixtures.remove) }
        let keys = try cluster.workerKeys
        let first = try cluster.startWorker("first", keys: keys, cacheDirectory: caches[0], peerBind: "tcp://127.0.0.1:*")
        let client = try await cluster.client(keys: try cluster.clientKeys)
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let job = try await client.submit(CurveClusterTests.spec(hash: iris.hash))
        #expect(try await WorkerTestCluster.waitForEnd(of: job, client: client).state == .completed)

        // The second worker finds the first holding the dataset whole: it takes every chunk from
        // it, none from the coordinator.
        let second = try cluster.startWorker("second", keys: keys, cacheDirectory: caches[1], peerBind: "tcp://127.0.0.1:*")
        #expect(try await WorkerTestCluster.eventually(within: .seconds(20)) { second.service.health.connected })
        let again = try await client.submit(CurveClusterTests.spec(hash: iris.hash, seed: 8))
        #expect(try await WorkerTestCluster.waitForEnd(of: again, client: client).state == .completed)
        let fetched = try #require(cluster.logs.records.first {
            $0.message == "dataset fetched" && $0.metadata["worker"]?.description == "second"
        }, "the second worker did not fetch (the first ran every fold)")
        #expect(fetched.metadata["from_coordinator"]?.description == "0")
        #expect(fetched.metadata["from_peers"]?.description == String(iris.bytes.count))

        // A key in no allowlist cannot talk to the first worker's data port.
        let started = try #require(cluster.logs.records.first {
            $0.message == "worker starting" && $0.metadata["worker"]?.description == "first"
        })
        let endpoint = try #require(started.metadata["serving"]?.description)
        let context = try Context(blocky: false)
        let rogue = try context.makeSocket(.dealer)
        defer { rogue.close() }
        try rogue.set(.linger, .zero)
        try rogue.makeCurveClient(serverPublic: keys.keyPair.publicKey, keys: try CurveKeyPair.generate())
        try rogue.connect(endpoint)
        _ = try rogue.trySend(FetchRequest(dataset: iris.hash, offset: 0, length: 1024).envelope.frames.map { Frame($0) })
        #expect(try await WorkerTestCluster.eventually(within: .seconds(10)) {
            cluster.logs.records.contains { $0.message == "refused a peer whose key the coordinator does not admit" }
        })
        let ready = try poll([.socket(rogue)], timeout: .milliseconds(500))
        #expect(!ready[0].contains(.readable), "the data port answered a key it does not admit")

        await client.close()
        await first.stop()
        await second.stop()
        await cluster.stop()
    }
}
