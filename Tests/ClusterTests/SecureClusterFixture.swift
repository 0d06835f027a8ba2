import Cluster
import Foundation
import Logging
import Synchronization
import Wire
import ZeroMQ

/// A coordinator with CURVE keys on tcp://127.0.0.1 ephemeral ports, in this process, with a fresh
/// key directory (coordinator, worker-1, client-1) and workers and clients started on demand.
final class SecureTestCluster: Sendable {
    let root: String
    let coordinatorKeys: CoordinatorKeys
    let server: CoordinatorServer
    let endpoints: CoordinatorEndpoints
    let serverTask: Task<Void, Never>
    let logs = WorkerLogCapture()

    /// - Parameters:
    ///   - clients: client key folders to generate (client-1 ... client-N).
    ///   - admins: allowlist names given as `--admin-key`.
    init(clients: Int = 1, admins: [String] = []) async throws {
        root = WorkerFixtures.scratchDirectory("secure-cluster")
        // In-process generation is safe here: Linux has getrandom (libzmq#4241 concerns systems
        // without it; `crossfold keys generate` runs in a process of its own anyway).
        _ = try KeyGeneration.generate(in: root, workers: 1, clients: clients)
        coordinatorKeys = try KeyDirectory(root + "/coordinator").coordinatorKeys()
        server = try CoordinatorServer(
            endpoints: CoordinatorEndpoints(client: "tcp://127.0.0.1:*", worker: "tcp://127.0.0.1:*", data: "tcp://127.0.0.1:*"),
            keys: coordinatorKeys, access: try coordinatorKeys.clientAccess(admins: admins), software: "crossfold-test",
            logger: logs.logger("coordinator"))
        endpoints = try await server.listen()
        let server = self.server
        serverTask = Task { try? await server.run() }
    }

    var workerKeys: PeerKeys { get throws { try KeyDirectory(root + "/worker-1").workerKeys() } }
    var clientKeys: PeerKeys { get throws { try KeyDirectory(root + "/client-1").clientKeys() } }

    /// The keys of client-`number`.
    func clientKeys(_ number: Int) throws -> PeerKeys { try KeyDirectory(root + "/client-\(number)").clientKeys() }

    /// Keys that know the coordinator's public key but are in no allowlist.
    func unknownKeys() throws -> PeerKeys {
        PeerKeys(coordinator: coordinatorKeys.keyPair.publicKey, keyPair: try CurveKeyPair.generate())
    }

    /// With `peerBind`, the worker serves chunks to other workers on a data port bound there.
    func startWorker(_ name: String, keys: PeerKeys?, cacheDirectory: String, peerBind: String? = nil) throws -> RunningWorker {
        let service = try WorkerService(
            controlEndpoint: endpoints.worker, dataEndpoint: endpoints.data, slots: 1, threads: 1,
            cacheDirectory: cacheDirectory, name: name, logger: logs.logger(name), software: "crossfold-test",
            sharedDatasets: SharedDatasets(), keys: keys, peerBind: peerBind)
        return RunningWorker(service: service, task: Task { await service.run() })
    }

    /// A client; refused ones give up after `attempts` × `timeout`.
    func client(keys: PeerKeys?, timeout: Duration = .seconds(1), attempts: Int = 10) async throws -> ClusterClient {
        let client = try ClusterClient(
            endpoint: endpoints.client, timeout: timeout, attempts: attempts, keys: keys, logger: logs.logger("client"))
        try await client.connect()
        return client
    }

    /// The keys the coordinator logged refusing in `domain`.
    func refusedKeys(in domain: String) -> [String] {
        logs.records.filter {
            $0.message == "refused a connection: key not allowed" && $0.metadata["domain"]?.description == domain
        }.compactMap { $0.metadata["key"]?.description }
    }

    func stop() async {
        server.shutdown()
        await serverTask.value
        WorkerFixtures.remove(root)
    }

    /// Sends `frames` from a DEALER with `keys` (or none) and returns what came back within `wait`,
    /// with the handshake failures its monitor saw: a peer's-eye view of a socket.
    static func exchange(
        _ endpoint: String, keys: PeerKeys?, frames: [[UInt8]], wait: Duration
    ) async throws -> (replies: [Message], handshakeFailures: [MonitorEvent]) {
        let reactor = try Reactor(name: "test.raw-peer")
        reactor.start()
        let seen = SeenBox()
        try await reactor.run { loop in
            let socket = try loop.makeSocket(.dealer)
            if let keys { try socket.makeCurveClient(serverPublic: keys.coordinator, keys: keys.keyPair) }
            try socket.set(.linger, .zero)
            let monitor = try socket.monitor([.handshakeFailedAuth, .handshakeFailedNoDetail, .handshakeFailedProtocol])
            loop.register(monitor.socket) { _ in
                while let event = try? monitor.tryReceive() { seen.events.withLock { $0.append(event) } }
            }
            try socket.connect(endpoint)
            // Without IMMEDIATE the message waits in the socket for the handshake.
            _ = try socket.trySend(frames.map { Frame($0) })
            loop.register(socket) { socket in
                while let message = try? socket.tryReceive() { seen.replies.withLock { $0.append(message) } }
            }
        }
        try await Task.sleep(for: wait)
        await reactor.stop()
        return (seen.replies.withLock { $0 }, seen.events.withLock { $0 })
    }

    final class SeenBox: Sendable {
        let replies = Mutex<[Message]>([])
        let events = Mutex<[MonitorEvent]>([])
    }
}
