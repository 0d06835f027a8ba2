import Cluster
import Datasets
import Logging
import Wire

/// A worker core driven by a mock clock: `send` applies an input at the current time, `advance`
/// moves the clock in 100 ms ticks (as the shell does) and collects the outputs.
struct WorkerHarness {
    var core: WorkerCore
    var clock: Duration = .zero
    /// What `fromDataWriting` wrote, by dataset.
    var files: [String: [UInt8]] = [:]
    /// The digests of each dataset's manifest, as `.beginFetch` handed them to the shell.
    var digests: [String: (Manifest, [UInt8])] = [:]

    init(slots: Int = 1, cached: Set<String> = [], jitter: Double = 0, chunkBytes: Int = 1 << 20, credit: Int = 8,
         resendsUnconfirmed: Bool = true, peerEndpoint: String? = nil, peerCredit: Int = 4, maxPeerUploads: Int = 4,
         allowsCommandTasks: Bool = false) {
        core = WorkerCore(
            configuration: WorkerConfiguration(
                name: "w1", slots: slots, threads: 2, software: "crossfold-test", reconnectJitter: jitter,
                fetchCredit: credit, chunkBytes: chunkBytes, resendsUnconfirmed: resendsUnconfirmed,
                peerEndpoint: peerEndpoint, peerCredit: peerCredit, maxPeerUploads: maxPeerUploads,
                allowsCommandTasks: allowsCommandTasks),
            cached: cached)
    }

    var generation: Int { core.status.generation }

    @discardableResult
    mutating func send(_ input: WorkerInput) -> [WorkerOutput] {
        core.handle(input, now: clock)
    }

    /// Ticks every 100 ms for `duration`, returning everything output on the way.
    @discardableResult
    mutating func advance(_ duration: Duration) -> [WorkerOutput] {
        var out: [WorkerOutput] = []
        let end = clock + duration
        while clock < end {
            clock = min(end, clock + .milliseconds(100))
            out += send(.tick)
        }
        return out
    }

    /// Starts, and registers by hearing the coordinator's first heartbeat.
    @discardableResult
    mutating func register() -> [WorkerOutput] {
        var out = send(.start)
        out += fromCoordinator(.heartbeat)
        return out
    }

    @discardableResult
    mutating func fromCoordinator(_ message: CoordinatorMessage) -> [WorkerOutput] {
        send(.control(message, generation: generation))
    }

    @discardableResult
    mutating func fromData(_ reply: DataReply) -> [WorkerOutput] {
        send(.data(reply, generation: generation))
    }

    /// Sends a data reply and, as the shell would, checks the chunks it asks to write against
    /// their digests, writes them (into `files`) and reports them written or rejected; returns
    /// every output on the way.
    @discardableResult
    mutating func fromDataWriting(_ reply: DataReply) -> [WorkerOutput] {
        writing(fromData(reply))
    }

    /// The same for a reply from the peer at `endpoint`.
    @discardableResult
    mutating func fromPeerWriting(_ endpoint: String, _ reply: DataReply) -> [WorkerOutput] {
        writing(send(.peerData(endpoint, reply)))
    }

    /// Carries out the writes (and digest checks) `outputs` ask for, as the shell would.
    mutating func writing(_ outputs: [WorkerOutput]) -> [WorkerOutput] {
        var out = outputs
        var index = 0
        while index < out.count {
            switch out[index] {
            case .beginFetch(let hash, let manifest, let digests):
                self.digests[hash] = (manifest, digests)
            case .writeChunk(let hash, let size, let offset, let bytes):
                if let (manifest, digests) = digests[hash],
                   !bytes.withUnsafeBytes({ ChunkDigests.matches($0, index: offset / manifest.chunkBytes, digests: digests) }) {
                    out += send(.chunkRejected(hash, offset: offset, reason: "does not match its digest"))
                } else {
                    var file = files[hash] ?? [UInt8](repeating: 0, count: size)
                    file.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
                    files[hash] = file
                    out += send(.chunkWritten(hash, offset: offset))
                }
            default:
                break
            }
            index += 1
        }
        return out
    }

    /// Starts fetching `hash` as the coordinator would answer for `blob` cut in `chunkBytes`
    /// chunks: MANIFEST, then SOURCES naming `peers` (endpoint and the chunks each holds) and
    /// assigning `assigned` (default: every chunk); returns the outputs after SOURCES.
    @discardableResult
    mutating func startFetch(
        _ hash: String, blob: [UInt8], chunkBytes: Int, peers: [(String, ChunkSet)] = [], assigned: ChunkSet? = nil
    ) -> [WorkerOutput] {
        let asked = send(.datasetResolved(hash, nil))
        precondition(asked.dataRequests.contains(.manifest(DatasetRef(dataset: hash))), "a fetch starts with MANIFEST")
        let manifest = Manifest(dataset: hash, size: blob.count, chunkBytes: chunkBytes)
        let digests = blob.withUnsafeBytes { ChunkDigests.compute($0, chunkBytes: chunkBytes) }
        let afterManifest = writing(fromData(.manifest(manifest, digests: digests)))
        precondition(afterManifest.dataRequests.contains { if case .sources = $0 { true } else { false } }, "then SOURCES")
        return sources(hash, chunks: manifest.chunkCount, peers: peers, assigned: assigned ?? ChunkSet.all(manifest.chunkCount))
    }

    /// The coordinator's SOURCES for `hash`.
    @discardableResult
    mutating func sources(_ hash: String, chunks: Int, peers: [(String, ChunkSet)], assigned: ChunkSet) -> [WorkerOutput] {
        let sources = Sources(dataset: hash, chunks: chunks, peers: peers.map { Sources.Peer(endpoint: $0.0) })
        return fromData(.sources(sources, assigned: assigned, held: peers.map(\.1)))
    }

    @discardableResult
    mutating func task(_ number: Int, dataset: String, holdout: String? = nil, job: String = "j", attempt: Int = 1) -> [WorkerOutput] {
        fromCoordinator(.task(assignment(number, dataset: dataset, holdout: holdout, job: job, attempt: attempt), testRows: [0, 2]))
    }
}

func assignment(_ number: Int, dataset: String, holdout: String? = nil, job: String = "j", attempt: Int = 1) -> TaskAssignment {
    TaskAssignment(
        job: job, task: number, attempt: attempt, dataset: dataset, holdout: holdout, repeatIndex: 0, fold: number,
        testRows: 2, model: "logistic", params: [:], seed: 7, leaseMilliseconds: 30_000)
}

/// A 64-digit hash made of one repeated hex digit, for tests that never look inside.
func fakeHash(_ digit: Character) -> String {
    String(repeating: digit, count: 64)
}

extension Array where Element == WorkerOutput {
    /// Control messages sent, in order.
    var sent: [WorkerMessage] {
        compactMap { if case .sendControl(let message) = $0 { message } else { nil } }
    }

    /// FETCH requests to the coordinator.
    var fetches: [FetchRequest] {
        compactMap { if case .sendData(.fetch(let request)) = $0 { request } else { nil } }
    }

    /// Everything sent on the coordinator's data socket.
    var dataRequests: [DataRequest] {
        compactMap { if case .sendData(let request) = $0 { request } else { nil } }
    }

    /// SOURCES reports sent.
    var sourcesReports: [SourcesRequest] {
        compactMap { if case .sendData(.sources(let request, _, _)) = $0 { request } else { nil } }
    }

    /// FETCH requests to peers, with the peer.
    var peerFetches: [(String, FetchRequest)] {
        compactMap { if case .sendPeer(let endpoint, let request) = $0 { (endpoint, request) } else { nil } }
    }

    var started: [TaskAssignment] {
        compactMap { if case .startTask(let task, _) = $0 { task } else { nil } }
    }

    var resolved: [String] {
        compactMap { if case .resolveDataset(let hash) = $0 { hash } else { nil } }
    }

    /// Chunks to write: dataset, size, offset, bytes.
    var writes: [(String, Int, Int, [UInt8])] {
        compactMap { if case .writeChunk(let hash, let size, let offset, let bytes) = $0 { (hash, size, offset, bytes) } else { nil } }
    }

    /// Datasets whose every chunk is written, to be verified and opened.
    var finished: [String] {
        compactMap { if case .finishFetch(let hash) = $0 { hash } else { nil } }
    }

    var logs: [String] {
        compactMap { if case .log(_, let message, _) = $0 { message.description } else { nil } }
    }

    /// Everything but logs.
    var actions: [WorkerOutput] {
        filter { if case .log = $0 { false } else { true } }
    }

    var heartbeats: Int { sent.filter { $0 == .heartbeat }.count }

    var readies: [WorkerMessage.Ready] {
        sent.compactMap { if case .ready(let ready) = $0 { ready } else { nil } }
    }

    var progress: [TaskRef] {
        sent.compactMap { if case .progress(let ref) = $0 { ref } else { nil } }
    }

    var failures: [WorkerMessage.TaskFailure] {
        sent.compactMap { if case .failed(let failure) = $0 { failure } else { nil } }
    }
}
