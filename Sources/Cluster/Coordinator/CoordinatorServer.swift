import Datasets
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Wire
import ZeroMQ

/// The coordinator process's shell: a reactor thread owning the three ROUTER sockets, and an
/// event loop (the `run()` task) feeding `CoordinatorCore`, a value it holds alone. Chunks on the
/// data socket are served on the reactor thread itself, straight from the dataset registry's
/// mappings, so bulk transfers never wait behind the event loop; everything that touches a file or
/// takes long (store writes, in order on one queue; uploads, each on a queue of its own; opening
/// stored datasets, metrics, results) runs off the loop, and its outcome comes back as an input.
public final class CoordinatorServer: Sendable {
    public let endpoints: CoordinatorEndpoints
    let reactor: Reactor
    let registry: DatasetRegistry
    let manifests: ManifestCache
    let store: any JobStore
    let configuration: SchedulerConfiguration
    let logger: Logger
    let sockets = SocketBox()
    let software: String
    /// CURVE keys and allowlists; nil runs the NULL mechanism (anyone reaching a port is let in).
    let keys: CoordinatorKeys?
    /// Who may use which job and dataset; nil without keys.
    let access: ClientAccess?
    /// The memory this coordinator may use, which bounds a job's tasks (`JobLimits.memoryRefusal`).
    public let memoryBytes: Int
    /// Store writes, one at a time in the order the core asked for them.
    private let writer: StoreWriter
    private let uploads: UploadSpools
    /// The endpoints actually bound (with real port numbers for `tcp://...:*`), once listening.
    private let bound = Mutex<CoordinatorEndpoints?>(nil)
    private let inputs: AsyncStream<CoordinatorInput>
    private let feed: AsyncStream<CoordinatorInput>.Continuation

    /// - Parameter keys: with keys, every socket is a CURVE server and a ZAP handler admits only
    ///   allowlisted keys (workers on the worker and data sockets, clients on the client socket),
    ///   fail-closed; a worker is then known by its key's allowlist name.
    /// - Parameter access: with keys, who administers the cluster (`CoordinatorKeys.clientAccess`);
    ///   by default only the coordinator's own key. Ignored without keys.
    /// - Parameter memoryBytes: the memory the coordinator may use; by default its host's or its
    ///   cgroup's limit (`HostMemory.limitBytes`).
    public init(
        endpoints: CoordinatorEndpoints,
        store: any JobStore = InMemoryJobStore(),
        configuration: SchedulerConfiguration = SchedulerConfiguration(),
        keys: CoordinatorKeys? = nil,
        access: ClientAccess? = nil,
        software: String,
        memoryBytes: Int? = nil,
        logger: Logger
    ) throws(ZeroMQError) {
        self.endpoints = endpoints
        self.memoryBytes = memoryBytes ?? HostMemory.limitBytes() ?? JobLimits.defaultMemoryBytes
        self.keys = keys
        // With keys, jobs and datasets always belong to their client key; without, nobody is
        // authenticated and everything is shared.
        self.access = keys == nil ? nil : (access ?? ClientAccess(admins: []))
        self.software = software
        self.logger = logger
        self.store = store
        self.configuration = configuration
        let manifests = ManifestCache()
        self.manifests = manifests
        registry = DatasetRegistry(onRegister: { manifests.prepare($0) })
        uploads = UploadSpools(store: store)
        writer = StoreWriter(store: store)
        reactor = try Reactor(name: "crossfold.coordinator")
        (inputs, feed) = AsyncStream.makeStream(of: CoordinatorInput.self, bufferingPolicy: .unbounded)
    }

    /// The bound endpoints, available once `listen()` returned.
    public var boundEndpoints: CoordinatorEndpoints? { bound.withLock { $0 } }

    /// Binds the sockets. Throws `ZeroMQError` (e.g. the address is in use) so callers can fail
    /// before announcing anything.
    public func listen() async throws -> CoordinatorEndpoints {
        reactor.start()
        let (feed, registry, sockets, endpoints, logger, keys) =
            (self.feed, self.registry, self.sockets, self.endpoints, self.logger, self.keys)
        let result = try await reactor.run { loop throws -> CoordinatorEndpoints in
            if let keys { try Self.startAuthentication(loop, keys: keys, logger: logger) }
            let (workers, clients) = (CoordinatorKeys.workerDomain, CoordinatorKeys.clientDomain)
            let worker = try Self.makeRouter(
                loop, bind: endpoints.worker, maxMessage: SocketLimits.controlMaxMessage, keys: keys, domain: workers)
            let client = try Self.makeRouter(
                loop, bind: endpoints.client, maxMessage: SocketLimits.controlMaxMessage, keys: keys, domain: clients)
            let data = try Self.makeRouter(
                loop, bind: endpoints.data, maxMessage: SocketLimits.dataMaxMessage, keys: keys, domain: workers)
            sockets["worker"] = worker
            sockets["client"] = client
            sockets["data"] = data
            loop.register(worker) { socket in Self.drain(socket, as: .worker, into: feed) }
            loop.register(client) { socket in Self.drain(socket, as: .client, into: feed) }
            let manifests = self.manifests
            let reply: @Sendable (PeerID, [Frame]) -> Void = { [self] peer, frames in
                send(peer, frames, on: "data", unreachable: false)
            }
            loop.register(data) { socket in
                DataServer.serve(socket, registry: registry, manifests: manifests, feed: feed, reply: reply, logger: logger)
            }
            _ = loop.schedule(after: .milliseconds(100), repeating: .milliseconds(100)) { feed.yield(.tick) }
            return CoordinatorEndpoints(
                client: try client.lastEndpoint, worker: try worker.lastEndpoint, data: try data.lastEndpoint)
        }
        bound.withLock { $0 = result }
        // After the binds, so a coordinator that cannot listen says only why.
        Self.warnIfOpen(endpoints, keys: keys, logger: logger)
        return result
    }

    /// Runs the event loop until the calling task is cancelled, `shutdown()` is called or (inside a
    /// `ServiceGroup`) a graceful shutdown begins, then closes the sockets. Binds first if
    /// `listen()` was not called. Unfinished jobs of the store are resumed first, on a thread of
    /// their own (reading the store and opening their datasets blocks).
    public func run() async throws {
        if boundEndpoints == nil { _ = try await listen() }
        let start = ContinuousClock.now
        let workerKeys = keys.map { keys in
            Dictionary(uniqueKeysWithValues: keys.workers.entries.map { ($0.name, $0.key.z85) })
        } ?? [:]
        let fresh = CoordinatorCore(
            configuration: configuration, store: store, registry: registry, software: software, workerKeys: workerKeys,
            access: access, memoryBytes: memoryBytes)
        var (core, resumed) = await Self.offLoop {
            var core = fresh
            let outputs = core.resumeUnfinishedJobs()
            return (core, outputs)
        }
        perform(resumed)
        resumed.removeAll()
        await withGracefulShutdownHandler {
            for await input in inputs {
                perform(core.handle(input, now: ContinuousClock.now - start))
                if Task.isCancelled { break }
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        feed.finish()
        // Store writes already asked for complete before the process goes on to exit.
        writer.flush()
        await reactor.stop()
    }

    /// Stops the event loop from outside (`run()` returns).
    public func shutdown() {
        feed.finish()
    }

    /// Says this process is about to stop its own workers (the embedded cluster), so their
    /// connections closing is not warned about.
    public func expectWorkersLeaving() {
        feed.yield(.workersLeaving)
    }

    /// Runs blocking work on a thread of its own and returns its value.
    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    static func makeRouter(
        _ loop: ReactorLoop, bind endpoint: String, maxMessage: Int64, keys: CoordinatorKeys?, domain: String
    ) throws -> Socket {
        let socket = try loop.makeSocket(.router)
        try secure(socket, keys: keys, domain: domain)
        try socket.set(.routerMandatory, true)
        try socket.set(.linger, .milliseconds(500))
        try socket.set(.maxMessageSize, maxMessage)
        try socket.set(.handshakeInterval, SocketLimits.handshake)
        try SocketLimits.heartbeats(on: socket)
        try socket.set(.tcpKeepAlive, 1)
        try socket.set(.tcpKeepAliveIdle, .seconds(30))
        try socket.bind(endpoint)
        return socket
    }

    /// Reads what is waiting on a worker or client socket (a bounded batch, so one busy peer cannot
    /// starve the rest of the loop) and feeds the decoded messages to the core.
    static func drain(_ socket: Socket, as kind: CoordinatorSocket, into feed: AsyncStream<CoordinatorInput>.Continuation) {
        for _ in 0..<256 {
            guard let message = try? socket.tryReceive(properties: [.userID]) else { return }
            guard message.count >= 1 else { continue }
            let peer = PeerID(message.frames[0].bytes)
            let frames = message.frames.dropFirst().map(\.bytes)
            do {
                switch kind {
                case .worker:
                    feed.yield(.worker(peer, try WorkerMessage.decode(frames), identity: message.userID))
                case .client:
                    feed.yield(.client(peer, try ClientRequest.decode(frames), identity: message.userID))
                case .data:
                    break
                }
            } catch {
                feed.yield(.malformed(peer, socket: kind, error))
            }
        }
    }

    /// Carries out the core's outputs: sends go to the reactor thread, the rest off the loop.
    func perform(_ outputs: [CoordinatorOutput]) {
        let (feed, store, registry, software) = (self.feed, self.store, self.registry, self.software)
        for output in outputs {
            switch output {
            case .toWorker(let peer, let message):
                send(peer, message.envelope.frames.map { Frame($0) }, on: "worker", unreachable: true)
            case .toClient(let peer, let reply):
                send(peer, reply.envelope.frames.map { Frame($0) }, on: "client", unreachable: false)
            case .toData(let peer, let reply):
                send(peer, reply.envelope.frames.map { Frame($0) }, on: "data", unreachable: false)
            case .persist(let write):
                writer.write(write) { feed.yield(.persisted(write, $0)) }
            case .spoolUpload(let chunk):
                uploads.write(chunk) { feed.yield($0) }
            case .abandonUpload(let hash):
                uploads.abandon(hash)
            case .openDataset(let hash):
                Thread.detachNewThread {
                    feed.yield(.datasetOpened(hash, Result { () throws(JobStoreError) in try store.openDataset(hash: hash) }))
                }
            case .computeMetrics(let request):
                Thread.detachNewThread { [logger] in
                    let start = ContinuousClock.now
                    let computed = JobMetrics.compute(
                        request, store: store, software: software, lanes: ProcessInfo.processInfo.activeProcessorCount)
                    logger.debug("metrics computed", metadata: [
                        "job": "\(request.id)", "seconds": "\(String(format: "%.3f", (ContinuousClock.now - start).seconds))",
                    ])
                    feed.yield(.metricsComputed(job: request.id, computed))
                }
            case .serveResults(let request):
                Thread.detachNewThread { [self] in
                    send(request.client, ResultsServer.reply(request, store: store, registry: registry), on: "client", unreachable: false)
                }
            case .log(let level, let message, let metadata):
                logger.log(level: level, message, metadata: metadata)
            }
        }
    }

    private func send(_ peer: PeerID, _ frames: [Frame], on name: String, unreachable: Bool) {
        let (sockets, feed, logger) = (self.sockets, self.feed, self.logger)
        let message = [Frame(peer.bytes)] + frames
        do {
            try reactor.execute { _ in
                guard let socket = sockets[name] else { return }
                do throws(ZeroMQError) {
                    _ = try socket.trySend(message)
                } catch where error.isHostUnreachable {
                    if unreachable { feed.yield(.unreachable(peer)) }
                } catch {
                    logger.warning("send failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
                }
            }
        } catch {
            // The reactor is stopping: nothing more goes out.
        }
    }
}
