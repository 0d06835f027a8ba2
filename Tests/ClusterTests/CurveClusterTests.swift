import Cluster
import Foundation
import Testing
import Wire
import ZeroMQ

/// The coordinator with CURVE keys against allowed, unknown and misplaced keys, over real sockets
/// on 127.0.0.1: only allowlisted keys get in, each only on its own sockets.
@Suite(.serialized) struct CurveClusterTests {
    static func spec(hash: String, seed: UInt64 = 7) -> JobSpec {
        JobSpec(
            dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: 5, repeats: 1, seed: seed,
            model: "logistic", params: [:], threshold: 0.5)
    }

    @Test(.timeLimit(.minutes(2)))
    func anAllowedWorkerAndClientCompleteAJobOverCurve() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster()
        let cache = WorkerFixtures.scratchDirectory("secure-worker")
        defer { WorkerFixtures.remove(cache) }
        let worker = try cluster.startWorker("secure-a", keys: try cluster.workerKeys, cacheDirectory: cache)
        let client = try await cluster.client(keys: try cluster.clientKeys)

        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let spec = Self.spec(hash: iris.hash)
        let job = try await client.submit(spec)
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: client)
        #expect(status.state == .completed, "\(status)")
        let results = try await client.results(of: job, predictions: true)
        let expected = try ExpectedEvaluation(dataset: iris.dataset, spec: spec)
        #expect(results.predictions.first?.scores == expected.outOfFold.scores)
        #expect(try WorkerExamples.summary(of: results.metricsJSON) == WorkerExamples.summary(of: expected.result))

        // The worker is known by its key's allowlist name (the ZAP User-Id) and its own name,
        // and fetched the dataset over the CURVE data socket.
        let joined = cluster.logs.records.filter { $0.message == "worker joined" }
        // (A machine loaded enough to delay heartbeats past 5 s makes the worker reconnect and join
        // again under the same identity; the job still completes, so only the identity is checked.)
        #expect(!joined.isEmpty)
        #expect(joined.allSatisfy { $0.metadata["worker"]?.description == "worker-1/secure-a" })
        #expect(String(decoding: results.metricsJSON, as: UTF8.self).contains("worker-1/secure-a"))
        #expect(cluster.logs.messages(where: "worker", is: "secure-a").contains("fetching dataset"))
        #expect(cluster.refusedKeys(in: CoordinatorKeys.workerDomain).isEmpty)
        #expect(cluster.refusedKeys(in: CoordinatorKeys.clientDomain).isEmpty)

        // The coordinator's own folder works as a client's (health checks on its host).
        let own = try await cluster.client(keys: try KeyDirectory(cluster.root + "/coordinator").clientKeys())
        #expect(try await own.info().workers == 1)
        await own.close()
        await client.close()
        await worker.stop()
        await cluster.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func unknownOrClientKeysCannotRegisterAsWorkersAndNoTaskReachesThem() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster()
        let caches = (0..<3).map { WorkerFixtures.scratchDirectory("secure-rogue-\($0)") }
        defer { caches.forEach(WorkerFixtures.remove) }
        let unknown = try cluster.unknownKeys()
        let clientKeys = try cluster.clientKeys
        let rogue = try cluster.startWorker("rogue", keys: unknown, cacheDirectory: caches[0])
        let misplaced = try cluster.startWorker("client-as-worker", keys: clientKeys, cacheDirectory: caches[1])
        let client = try await cluster.client(keys: clientKeys)
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let job = try await client.submit(Self.spec(hash: iris.hash))

        // Both keep trying; the coordinator refuses both keys by name and logs it.
        #expect(try await WorkerTestCluster.eventually(within: .seconds(20)) {
            Set(cluster.refusedKeys(in: CoordinatorKeys.workerDomain))
                == [unknown.keyPair.publicKey.z85, clientKeys.keyPair.publicKey.z85]
        })
        try await Task.sleep(for: .seconds(2))
        let status = try await client.status(of: job)
        #expect(status.workers == 0 && status.tasksRunning == 0 && status.tasksDone == 0, "\(status)")
        #expect(!rogue.service.health.connected && !misplaced.service.health.connected)
        #expect(cluster.logs.records.filter { $0.message == "worker joined" }.isEmpty)
        #expect(!cluster.logs.messages(where: "worker", is: "rogue").contains("task started"))
        // Each worker says why, once per connection rather than on every retry.
        let explained = cluster.logs.records.filter {
            $0.message == "cannot connect to the coordinator securely" && $0.metadata["worker"]?.description == "rogue"
        }
        #expect(explained.first?.metadata["reason"]?.description.contains("refused this worker's CURVE key") == true)

        // The job was runnable all along: an allowed worker finishes it.
        let allowed = try cluster.startWorker("allowed", keys: try cluster.workerKeys, cacheDirectory: caches[2])
        #expect(try await WorkerTestCluster.waitForEnd(of: job, client: client).state == .completed)
        #expect(!cluster.logs.messages(where: "worker", is: "rogue").contains("task started"))
        await rogue.stop()
        await misplaced.stop()
        await allowed.stop()
        await client.close()
        await cluster.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func anUnknownKeyCannotFetchADatasetWhileAWorkerKeyCan() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster()
        let client = try await cluster.client(keys: try cluster.clientKeys)
        #expect(try await client.upload(iris.bytes, hash: iris.hash))
        let fetch = FetchRequest(dataset: iris.hash, offset: 0, length: 1024).envelope.frames

        for keys in [try cluster.unknownKeys(), try cluster.clientKeys] {
            let (replies, failures) = try await SecureTestCluster.exchange(
                cluster.endpoints.data, keys: keys, frames: fetch, wait: .seconds(2))
            #expect(replies.isEmpty, "a key outside workers.allow got \(replies)")
            #expect(failures.contains { $0.kind == .handshakeFailedAuth && $0.value == 400 }, "\(failures)")
        }
        let (none, _) = try await SecureTestCluster.exchange(cluster.endpoints.data, keys: nil, frames: fetch, wait: .seconds(2))
        #expect(none.isEmpty)
        #expect(cluster.refusedKeys(in: CoordinatorKeys.workerDomain).count == 2)

        // The same request with the worker's key gets the first chunk.
        let (chunk, _) = try await SecureTestCluster.exchange(
            cluster.endpoints.data, keys: try cluster.workerKeys, frames: fetch, wait: .seconds(2))
        let reply = try DataReply.decode(try #require(chunk.first).frames.map(\.bytes))
        guard case .chunk(let header, let bytes) = reply else {
            Issue.record("expected CHUNK, got \(reply)")
            return
        }
        #expect(header.offset == 0 && bytes == Array(iris.bytes.prefix(1024)))
        await client.close()
        await cluster.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func unknownKeysWorkerKeysAndKeylessClientsCannotSubmitOrReadAnything() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster()
        let allowed = try await cluster.client(keys: try cluster.clientKeys)
        #expect(try await allowed.upload(iris.bytes, hash: iris.hash))
        let existing = try await allowed.submit(Self.spec(hash: iris.hash, seed: 1))
        let unknown = try cluster.unknownKeys()
        let workerKeys = try cluster.workerKeys

        for (keys, label) in [(unknown, "unknown key"), (workerKeys, "worker key"), (nil, "no keys")] as [(PeerKeys?, String)] {
            let client = try await cluster.client(keys: keys, timeout: .milliseconds(500), attempts: 3)
            do throws(ClientError) {
                let job = try await client.submit(Self.spec(hash: iris.hash, seed: 2))
                Issue.record("\(label): SUBMIT was accepted as \(job)")
            } catch {
                switch error {
                case .handshakeFailed(_, let reason):
                    #expect(label == "no keys" || reason.contains("refused this client's CURVE key"), "\(label): \(reason)")
                case .unreachable:
                    break
                default:
                    Issue.record("\(label): expected no answer at all, got \(error)")
                }
            }
            await #expect(throws: ClientError.self, "\(label) read the job list") { try await client.jobs() }
            await #expect(throws: ClientError.self, "\(label) read a job") { try await client.status(of: existing) }
            await client.close()
        }
        // Nothing was submitted beside the allowed client's job; the refusals name the keys.
        #expect(try await allowed.jobs().map(\.job) == [existing])
        #expect(Set(cluster.refusedKeys(in: CoordinatorKeys.clientDomain))
            == [unknown.keyPair.publicKey.z85, workerKeys.keyPair.publicKey.z85])
        await allowed.close()
        await cluster.stop()
    }
}
