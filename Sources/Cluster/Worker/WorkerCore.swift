import Logging
import Wire

/// The worker's logic between the sockets: it turns coordinator messages, data replies, task
/// completions, dataset outcomes and ticks into messages to send, tasks to start and datasets to
/// resolve, fetch and store. It owns no socket, reads no clock and touches no file, so every rule
/// is tested by feeding it inputs with a mock time (Tests/ClusterTests/WorkerCoreTests.swift).
///
/// Rules (docs/PROTOCOL.md, Worker socket: Rules, and Data socket):
/// - READY once per connection, and nothing else until the coordinator is heard on it (so no
///   RESULT can overtake READY); then HEARTBEAT every second and PROGRESS every 2 s per held task.
/// - Any message proves the coordinator alive; after `liveness` silent beats the sockets are
///   replaced, after a wait of 1 s doubling to 32 s (with jitter), reset once it is heard again.
///   DISCONNECT from the coordinator replaces them at once (after a wait if it keeps coming).
///   Tasks keep running across connections; their results go out on the new one, and so do
///   results sent on the old one in its last moments (it may have died with them queued).
/// - A task whose datasets are here starts when a slot is free; otherwise each missing dataset is
///   looked up (shared registry, memory, disk) and, failing that, fetched once however many tasks
///   need it. MISSING or bytes that do not verify fail the waiting tasks (FAILED kind `dataset`).
/// - CANCEL drops a waiting task; a running one finishes (a compute thread cannot be interrupted
///   mid-BLAS) and its result is discarded.
/// - Shutdown sends DISCONNECT, so the coordinator requeues at once, and stops.
public struct WorkerCore: Sendable {
    public let configuration: WorkerConfiguration

    enum Link: Equatable {
        /// Before `.start`.
        case idle
        /// Sockets open; `since` is when they were opened.
        case connected(since: Duration)
        /// Sockets closed; reconnect at `until`.
        case waiting(until: Duration)
        /// Shut down; every input is ignored.
        case stopped
    }

    var now: Duration = .zero
    var link = Link.idle
    var generation = 0
    /// READY went out on this connection (not refused).
    var readySent = false
    /// The coordinator answered on this connection after READY: it knows us.
    var registered = false
    var lastHeard: Duration?
    var lastBeatSent: Duration = .zero
    var lastProgressSent: Duration = .zero
    var backoff: ReconnectBackoff

    /// Datasets the shell can hand to a compute thread right away.
    var available: Set<String>
    /// Datasets logged as reused, so the log says it once per dataset, not once per task.
    var reuseLogged: Set<String> = []
    var resolving: Set<String> = []
    var fetches: [String: DatasetFetch] = [:]
    var storing: Set<String> = []
    /// Fetched datasets being verified and opened: their chunks are still served from the file.
    var completing: Set<String> = []
    /// Peers this worker has a connection to (for its fetches).
    var peerLinks: Set<String> = []
    /// Other workers this one served recently, and when they last asked.
    var peerUploads: [PeerRequester: Duration] = [:]

    /// Tasks held but not started, in arrival order.
    var waiting: [HeldTask] = []
    var running: [TaskRef: RunningTask] = [:]
    /// Results and failures that could not go out yet; sent once registered.
    var outbox: [WorkerMessage] = []
    /// Results and failures sent on this connection that it may not have delivered (sent since
    /// shortly before the coordinator was last heard); sent again if the connection is replaced.
    var unconfirmed: [SentMessage] = []

    struct HeldTask: Sendable, Equatable {
        let assignment: TaskAssignment
        let testRows: [Int32]
        var ref: TaskRef { TaskRef(job: assignment.job, task: assignment.task, attempt: assignment.attempt) }
        var datasets: [String] { [assignment.dataset] + (assignment.holdout.map { [$0] } ?? []) }
    }

    struct RunningTask: Sendable, Equatable {
        let task: HeldTask
        let startedAt: Duration
        var cancelled = false
    }

    /// - Parameter cached: hashes of the datasets the worker holds already (its disk cache).
    public init(configuration: WorkerConfiguration, cached: Set<String> = []) {
        self.configuration = configuration
        available = cached
        backoff = ReconnectBackoff(
            initial: configuration.reconnectInitial, maximum: configuration.reconnectMax,
            jitter: configuration.reconnectJitter, seed: configuration.jitterSeed)
    }

    /// Handles one input at core time `now` (time since the worker started) and returns what the
    /// shell must do, in order.
    public mutating func handle(_ input: WorkerInput, now: Duration) -> [WorkerOutput] {
        self.now = max(self.now, now)
        guard link != .stopped else { return [] }
        var out: [WorkerOutput] = []
        switch input {
        case .start:
            if link == .idle { connect(into: &out) }
        case .tick:
            tick(into: &out)
        case .control(let message, let generation):
            guard generation == self.generation else { break }
            receive(message, into: &out)
        case .data(let reply, let generation):
            guard generation == self.generation else { break }
            receive(reply, into: &out)
        case .malformed(let socket, let error):
            let level: Logger.Level = error.kind == .unsupportedVersion ? .error : .warning
            out.append(.log(level, "dropped a malformed message from the coordinator", [
                "socket": "\(socket.rawValue)", "error": "\(error)",
            ]))
        case .controlRefused(let message, let generation):
            refused(message, generation: generation, into: &out)
        case .dataRefused(let request, let generation):
            guard generation == self.generation else { break }
            let dataset: String = switch request {
            case .fetch(let fetch): fetch.dataset
            case .manifest(let ref): ref.dataset
            case .sources(let sources, _, _): sources.dataset
            }
            fetches[dataset]?.requestRefused(request)
        case .peerData(let endpoint, let reply):
            receive(peer: endpoint, reply, into: &out)
        case .peerRefused(let endpoint, let request):
            fetches[request.dataset]?.refused(request, source: .peer(endpoint))
        case .peerRequest(let requester, let request):
            serve(requester, request, into: &out)
        case .chunkRejected(let hash, let offset, let reason):
            chunkRejected(hash, offset: offset, reason: reason, into: &out)
        case .datasetResolved(let hash, let origin):
            resolved(hash, origin: origin, into: &out)
        case .chunkWritten(let hash, let offset):
            chunkWritten(hash, offset: offset, into: &out)
        case .chunkWriteFailed(let hash, let reason):
            failFetch(hash, reason: reason, into: &out)
        case .datasetStored(let hash, let outcome):
            stored(hash, outcome: outcome, into: &out)
        case .datasetsEvicted(let hashes):
            evicted(hashes)
        case .taskFinished(let ref, let outcome):
            finished(ref, outcome: outcome, into: &out)
        case .shutdown:
            shutdown(into: &out)
        }
        return out
    }

    /// What a health check reports.
    public var status: WorkerStatus {
        let connected: Bool = if case .connected = link, registered, let lastHeard {
            now - lastHeard < configuration.silenceLimit
        } else {
            false
        }
        return WorkerStatus(
            connected: connected, lastHeard: lastHeard, running: running.count, waiting: waiting.count,
            fetching: fetches.count, generation: generation)
    }

    /// Whether the core has shut down (after `.shutdown`).
    public var isStopped: Bool { link == .stopped }

    /// Datasets the worker can use without fetching, as READY lists them.
    public var cachedDatasets: [String] { available.sorted() }

    mutating func tick(into out: inout [WorkerOutput]) {
        switch link {
        case .idle, .stopped:
            return
        case .waiting(let until):
            if now >= until { connect(into: &out) }
            return
        case .connected(let since):
            // Silence counts from the last message, or from the connection when none came on it.
            if now - max(since, lastHeard ?? since) >= configuration.silenceLimit {
                lose("nothing heard from the coordinator for \(Int(configuration.silenceLimit.seconds)) s", into: &out)
                return
            }
        }
        tickFetches(into: &out)
        if !readySent {
            sendReady(into: &out)
            return
        }
        guard registered else { return }
        forgetDelivered()
        if now - lastBeatSent >= configuration.heartbeatInterval {
            lastBeatSent = now
            out.append(.sendControl(.heartbeat))
        }
        if now - lastProgressSent >= configuration.progressInterval {
            lastProgressSent = now
            sendProgress(into: &out)
        }
        flushOutbox(into: &out)
    }
}
