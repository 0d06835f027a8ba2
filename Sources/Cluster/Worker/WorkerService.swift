import Foundation
import Learners
import Logging
import Synchronization
import Wire
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A worker process's shell: a reactor thread owning two DEALERs (control and data) to the
/// coordinator and a 100 ms tick, and running `WorkerCore` (`CoreSlot`), so a TASK read starts its
/// fold and a finished fold's RESULT is sent with no hand-off but the compute thread's; folds run
/// on compute threads of their own (one per slot), datasets are verified and stored on short-lived
/// threads, and every outcome comes back to the core as an input (`deliver`). The `run()` task
/// only waits for the stop.
///
/// ```swift
/// let endpoints = try WorkerEndpoints.parse("tcp://coordinator:5556")
/// let worker = try WorkerService(controlEndpoint: endpoints.control, dataEndpoint: endpoints.data,
///                                slots: 2, threads: 1, cacheDirectory: "/var/cache/crossfold",
///                                name: "host-1", logger: logger)
/// await worker.run()          // until shutdown() or cancellation; says DISCONNECT on the way out
/// ```
public final class WorkerService: Sendable {
    public let endpoints: WorkerEndpoints
    public let configuration: WorkerConfiguration
    public let cache: DatasetCache
    /// The shell's tick: liveness, heartbeats, PROGRESS and retries run on it.
    static let tickInterval: Duration = .milliseconds(100)

    let logger: Logger
    let reactor: Reactor
    let sockets: WorkerSockets
    let peers: PeerSockets
    /// Where the data port binds (`tcp://*:*` for any free port), nil when this worker serves
    /// no chunks; and the host (and port) to announce for it, nil to find the host itself.
    let peerBind: String?
    let peerAdvertise: String?
    let compute: ComputeThreads
    let foldThreads: FoldThreads
    /// The per-fold sums of the repeats this worker's folds have seen, shared by its slots.
    let foldSums: PartitionStatisticsMemo
    let fetchWriters: FetchWriters
    /// The stop request of each task on a compute thread, for `.stopTask`.
    let folds = RunningFolds()
    let healthFile: String?
    /// The core, on the reactor thread.
    let slot = CoreSlot<WorkerCore, WorkerInput>()
    /// Finished to end `run()`'s wait: the core stopped, `abandon()`, or cancellation.
    private let stops: AsyncStream<Void>
    private let stopFeed: AsyncStream<Void>.Continuation
    private let healthState: Mutex<WorkerHealth>
    private let started = Atomic(false)
    /// When the core was installed: the origin of its clock, for `health`'s dates.
    private let installed = Mutex(Date())
    let abandoned = Atomic(false)

    /// - Parameters:
    ///   - controlEndpoint: the coordinator's worker socket (`tcp://host:5556`, or `ipc://`/`inproc://`).
    ///   - dataEndpoint: its data socket (`tcp://host:5557`).
    ///   - slots: tasks run at once, each on a thread of its own.
    ///   - threads: threads each task's training uses; slots × threads should not exceed the cores.
    ///   - cacheDirectory: where fetched datasets are kept across runs; nil keeps them for the life
    ///     of the process only (in unlinked files of the temporary directory).
    ///   - cacheMaxBytes: cap on the cache directory's size (least recently used entries go first).
    ///   - name: shown in the coordinator's logs; defaults to host name and pid.
    ///   - software: the version announced in READY.
    ///   - healthFile: a JSON file rewritten every second for container health checks.
    ///   - sharedDatasets: datasets this process already holds (an embedded coordinator's, given by
    ///     the `EmbeddedCluster` that owns them), used instead of fetching.
    ///   - keys: CURVE keys (`KeyDirectory.workerKeys()`) for a coordinator that requires them.
    ///   - peerBind: where this worker's data port binds to serve other workers the chunks it holds
    ///     (`tcp://*:*`: any free port); nil serves none.
    ///   - peerAdvertise: `HOST` or `HOST:PORT` other workers reach the data port at; nil takes
    ///     this host's address toward the coordinator and the bound port.
    ///   - maxPeerUploads: workers served at a time.
    ///   - coordinatorInProcess: the coordinator runs in this process (the embedded cluster), so
    ///     the link cannot lose a result short of the process: no copies are kept to send again.
    ///   - foldThreads: the cores this worker's folds share (by default `slots × threads`; the
    ///     embedded cluster's workers share one).
    ///   - debugAlterScores: debug builds only, for the verification tests: the fraction of tasks
    ///     whose scores are altered before they are sent (a lying worker); ignored by release builds.
    ///   - allowsCommandTasks: run `--model command` tasks (a program named by the job); refused
    ///     otherwise (docs/SECURITY.md).
    /// - Throws: `DatasetCacheError` when the cache directory cannot be created, `ZeroMQError` when
    ///   the reactor cannot start.
    public init(
        controlEndpoint: String,
        dataEndpoint: String,
        slots: Int,
        threads: Int,
        cacheDirectory: String?,
        cacheMaxBytes: Int = 10 << 30,
        name: String? = nil,
        logger: Logger,
        software: String = "crossfold",
        healthFile: String? = nil,
        sharedDatasets: SharedDatasets = SharedDatasets(),
        keys: PeerKeys? = nil,
        peerBind: String? = nil,
        peerAdvertise: String? = nil,
        maxPeerUploads: Int = 4,
        coordinatorInProcess: Bool = false,
        foldThreads: FoldThreads? = nil,
        foldSums: PartitionStatisticsMemo? = nil,
        allowsCommandTasks: Bool = false,
        debugAlterScores: Double = 0
    ) throws {
        let name = name ?? "\(Self.hostName())-\(getpid())"
        var logger = logger
        logger[metadataKey: "worker"] = "\(name)"
        self.logger = logger
        sockets = WorkerSockets(keys: keys, logger: logger)
        peers = PeerSockets(keys: keys, logger: logger)
        self.peerBind = peerBind
        self.peerAdvertise = peerAdvertise
        endpoints = WorkerEndpoints(control: controlEndpoint, data: dataEndpoint)
        var configuration = WorkerConfiguration(
            name: name, slots: slots, threads: threads, software: software,
            jitterSeed: UInt64.random(in: 0...UInt64.max),
            resendsUnconfirmed: !coordinatorInProcess, maxPeerUploads: maxPeerUploads,
            allowsCommandTasks: allowsCommandTasks)
        configuration.debugAlterScores = debugAlterScores
        self.configuration = configuration
        cache = try DatasetCache(
            directory: cacheDirectory, maxBytes: cacheMaxBytes, shared: sharedDatasets, logger: logger)
        fetchWriters = FetchWriters(cache: cache)
        reactor = try Reactor(name: "crossfold.worker")
        compute = ComputeThreads(count: configuration.slots, name: "crossfold.fold")
        self.foldThreads = foldThreads ?? FoldThreads(cores: configuration.slots * configuration.threads)
        self.foldSums = foldSums ?? PartitionStatisticsMemo()
        self.healthFile = healthFile
        (stops, stopFeed) = AsyncStream.makeStream(of: Void.self)
        healthState = Mutex(WorkerHealth(
            connected: false, lastHeard: nil, running: 0, waiting: 0, fetching: 0, coordinator: controlEndpoint,
            updated: Date()))
    }

    /// Opens the cache, connects and works until `shutdown()` or until the calling task is
    /// cancelled; either way DISCONNECT goes to the coordinator (which requeues the tasks held
    /// here at once) before it returns, within about a second. Running folds cannot be interrupted:
    /// their threads finish in the background and their results are dropped. Call once.
    public func run() async {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let cached = await openCache()
        compute.start()
        reactor.start()
        var configuration = self.configuration
        configuration.peerEndpoint = await openDataPort()
        let core = WorkerCore(configuration: configuration, cached: Set(cached))
        let healthWriter = healthFile.map { path in
            HealthFileWriter(path: path, logger: logger) { [self] in health }
        }
        logger.info("worker starting", metadata: [
            "coordinator": "\(endpoints.control)", "data": "\(endpoints.data)",
            "slots": "\(configuration.slots)", "threads": "\(configuration.threads)", "cached": "\(cached.count)",
            "serving": "\(configuration.peerEndpoint ?? "no")",
        ])
        // Fails only when the reactor is stopping already.
        try? await reactor.run { [self] loop in
            installed.withLock { $0 = Date() }
            _ = loop.schedule(after: Self.tickInterval, repeating: Self.tickInterval) { self.handle(.tick, on: loop) }
            slot.install(core, step: step, perform: { perform($0, on: loop) })
            handle(.start, on: loop)
        }
        // Until the core stops (after its DISCONNECT), `abandon()`, or cancellation.
        for await _ in stops {}
        // Cancelled: the goodbye still goes out. Later inputs (ticks, folds finishing in the
        // background) have nowhere to go.
        let (status, flushing) = (try? await reactor.run { [self] loop -> (WorkerStatus?, Bool) in
            var flushing = slot.stopped
            if !slot.stopped, !abandoned.load(ordering: .acquiring) {
                handle(.shutdown, on: loop)
                flushing = true
            }
            return (slot.stop()?.status, flushing)
        }) ?? (nil, false)
        // Folds still running stop at their next check: a command's program is killed with its
        // process group and its scratch directory removed, rather than left behind when the
        // process exits.
        folds.stopAll()
        if let status { publish(status) }
        await closeSockets(flushing: flushing)
        compute.stop()
        await healthWriter?.stop()
        logger.info("worker stopped")
    }

    /// Hands an input from any thread to the core on the reactor thread.
    func deliver(_ input: WorkerInput) {
        // Fails only once the reactor is stopping, when the core takes nothing more.
        try? reactor.execute { [self] loop in handle(input, on: loop) }
    }

    /// Feeds `input` to the core (reactor thread only) and carries out its outputs, then the
    /// inputs those caused; the core's `.stop` ends `run()`'s wait. Inputs wait for the core to be
    /// installed and are dropped once it stopped or the worker was abandoned.
    func handle(_ input: WorkerInput, on loop: ReactorLoop) {
        slot.handle(input, step: step, perform: { perform($0, on: loop) })
    }

    private func step(_ core: inout WorkerCore, _ input: WorkerInput, _ now: Duration) -> [WorkerOutput] {
        guard !abandoned.load(ordering: .relaxed) else { return [] }
        let outputs = core.handle(input, now: now)
        publish(core.status)
        return outputs
    }

    private func perform(_ outputs: [WorkerOutput], on loop: ReactorLoop) {
        guard perform(outputs, loop: loop) else { return }
        slot.stop()
        stopFeed.finish()
    }

    /// Asks `run()` to say DISCONNECT and return (SIGTERM). Safe from any thread, any number of times.
    public func shutdown() {
        deliver(.shutdown)
    }

    /// Stops as a killed process would: the sockets close without DISCONNECT, and nothing more
    /// (results of folds still running included) is sent. For failure tests and chaos drills; the
    /// coordinator finds out from the dropped connection or the missing heartbeats.
    public func abandon() {
        abandoned.store(true, ordering: .releasing)
        stopFeed.finish()
    }

    /// The latest state, for health checks.
    public var health: WorkerHealth {
        healthState.withLock { $0 }
    }

    private func publish(_ status: WorkerStatus) {
        let installed = self.installed.withLock { $0 }
        let lastHeard = status.lastHeard.map { installed.addingTimeInterval($0.seconds) }
        healthState.withLock { health in
            health.connected = status.connected
            health.lastHeard = lastHeard
            health.running = status.running
            health.waiting = status.waiting
            health.fetching = status.fetching
            health.updated = Date()
        }
    }

    /// The host's name as the kernel knows it (no DNS lookup, unlike `ProcessInfo.hostName`).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "worker" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens the cache directory on a thread of its own (entries without a matching record are hashed).
    private func openCache() async -> [String] {
        let (cache, logger) = (self.cache, self.logger)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try cache.open())
                } catch {
                    logger.error("cannot read the dataset cache; starting without it", metadata: ["error": "\(error)"])
                    continuation.resume(returning: [])
                }
            }
        }
    }

    /// Binds the data port other workers fetch chunks from, and works out the endpoint they reach
    /// it at; nil (logged) when this worker serves none.
    private func openDataPort() async -> String? {
        guard let peerBind else { return nil }
        let peers = self.peers
        let bound: String
        do {
            bound = try await reactor.run { [self] loop throws -> String in
                try peers.bind(loop, endpoint: peerBind) { self.handle($0, on: loop) }
            }
        } catch {
            logger.error("cannot bind the data port; serving no chunks to other workers", metadata: [
                "bind": "\(peerBind)", "error": "\(error)",
            ])
            return nil
        }
        guard let colon = bound.lastIndex(of: ":") else { return nil }
        let boundPort = String(bound[bound.index(after: colon)...])
        var host: String?
        var port = boundPort
        if let peerAdvertise {
            if let split = peerAdvertise.lastIndex(of: ":"), !peerAdvertise.hasSuffix("]"), Int(peerAdvertise[peerAdvertise.index(after: split)...]) != nil {
                host = String(peerAdvertise[..<split])
                port = String(peerAdvertise[peerAdvertise.index(after: split)...])
            } else {
                host = peerAdvertise
            }
        } else {
            host = LocalAddress.toward(endpoints.control)
        }
        guard let host, !host.isEmpty else {
            logger.warning("cannot tell which address other workers reach this one at; serving no chunks (set --peer-advertise)", metadata: [
                "coordinator": "\(endpoints.control)",
            ])
            return nil
        }
        let endpoint = "tcp://\(host):\(port)"
        guard PeerEndpoint.isValid(endpoint) else {
            logger.warning("the data port's advertised address is not tcp://HOST:PORT; serving no chunks", metadata: ["endpoint": "\(endpoint)"])
            return nil
        }
        return endpoint
    }

    /// Closes the sockets and stops the reactor. With `flushing`, the control socket keeps up to a
    /// second to deliver the DISCONNECT queued last; otherwise everything is dropped (LINGER 0).
    private func closeSockets(flushing: Bool) async {
        let (sockets, peers) = (self.sockets, self.peers)
        try? reactor.execute { loop in
            if flushing, let control = sockets.control {
                try? control.set(.linger, .seconds(1))
                loop.close(control)
                sockets.control = nil
            }
            sockets.close(loop)
            peers.closeAll(loop)
        }
        await reactor.stop()
    }
}
