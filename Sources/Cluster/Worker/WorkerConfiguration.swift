import Wire

/// What a worker announces in READY and the timing rules it follows (docs/PROTOCOL.md, Worker
/// socket and Data socket). The defaults are the protocol's; tests shorten nothing, they drive a
/// mock clock.
public struct WorkerConfiguration: Sendable, Equatable {
    /// A name for the coordinator's logs (host name and pid by default); not an identity.
    public var name: String
    /// Tasks run at once, each on a compute thread of its own.
    public var slots: Int
    /// Threads each task's training uses (`RowView.threads`).
    public var threads: Int
    /// The software version announced in READY.
    public var software: String
    /// HEARTBEAT period; the coordinator uses the same.
    public var heartbeatInterval: Duration
    /// Heartbeat periods of silence after which the coordinator is presumed lost.
    public var liveness: Int
    /// PROGRESS period for each held task; renews the coordinator's lease on it.
    public var progressInterval: Duration
    /// First wait before reconnecting after a lost coordinator; it doubles up to `reconnectMax`.
    public var reconnectInitial: Duration
    public var reconnectMax: Duration
    /// Each reconnect wait is stretched by a random fraction up to this, so workers cut off
    /// together do not all come back in the same instant.
    public var reconnectJitter: Double
    /// FETCH requests kept outstanding per dataset (the credit).
    public var fetchCredit: Int
    /// Bytes asked for per FETCH.
    public var chunkBytes: Int
    /// With requests outstanding and no CHUNK for this long, the outstanding ones are asked again
    /// (the coordinator drops chunks it cannot queue).
    public var fetchStallTimeout: Duration
    /// Largest dataset the worker accepts to fetch.
    public var maxDatasetBytes: Int
    /// Seeds the reconnect jitter.
    public var jitterSeed: UInt64
    /// Where this worker serves the chunks it holds to other workers (`tcp://HOST:PORT`, as
    /// others reach it), or nil when it serves none.
    public var peerEndpoint: String?
    /// FETCH requests kept outstanding per peer.
    public var peerCredit: Int
    /// A peer request unanswered this long goes back to the pool (two such and the peer is dropped
    /// for the dataset).
    public var peerTimeout: Duration
    /// How often a fetch reports what it holds and asks who holds the rest (SOURCES).
    public var sourcesInterval: Duration
    /// Other workers this one serves chunks to at a time; more are told BUSY, so its own folds
    /// keep their CPU and its link is shared by few.
    public var maxPeerUploads: Int
    /// Whether results sent shortly before a connection was lost go out again on the next one
    /// (`WorkerCore+Unconfirmed.swift`). A coordinator in the same process (the embedded
    /// cluster) cannot lose them short of the process, so no copies are kept.
    public var resendsUnconfirmed: Bool
    /// Whether this worker runs `--model command` tasks, which execute a program named by whoever
    /// submitted the job (docs/SECURITY.md). Off unless the worker was started with
    /// `--allow-command-tasks`; the embedded cluster of `crossfold evaluate` allows them.
    public var allowsCommandTasks: Bool
    /// Debug builds only: the fraction of tasks whose scores this worker alters before sending
    /// them (WorkerCore+DebugLies.swift); ignored by release builds. Set after `init`.
    public var debugAlterScores: Double = 0

    public init(
        name: String,
        slots: Int,
        threads: Int,
        software: String,
        heartbeatInterval: Duration = WireProtocol.heartbeatInterval,
        liveness: Int = WireProtocol.workerLiveness,
        progressInterval: Duration = .seconds(2),
        reconnectInitial: Duration = .seconds(1),
        reconnectMax: Duration = .seconds(32),
        reconnectJitter: Double = 0.25,
        fetchCredit: Int = WireProtocol.fetchCredit,
        chunkBytes: Int = WireProtocol.chunkBytes,
        fetchStallTimeout: Duration = .seconds(10),
        maxDatasetBytes: Int = 64 << 30,
        jitterSeed: UInt64 = 0x5EED,
        resendsUnconfirmed: Bool = true,
        peerEndpoint: String? = nil,
        peerCredit: Int = 4,
        peerTimeout: Duration = .seconds(5),
        sourcesInterval: Duration = .milliseconds(250),
        maxPeerUploads: Int = 4,
        allowsCommandTasks: Bool = false
    ) {
        self.name = name
        self.slots = max(1, slots)
        self.threads = max(1, threads)
        self.software = software
        self.heartbeatInterval = heartbeatInterval
        self.liveness = max(1, liveness)
        self.progressInterval = progressInterval
        self.reconnectInitial = reconnectInitial
        self.reconnectMax = max(reconnectInitial, reconnectMax)
        self.reconnectJitter = max(0, reconnectJitter)
        self.fetchCredit = max(1, fetchCredit)
        self.chunkBytes = max(1, chunkBytes)
        self.fetchStallTimeout = fetchStallTimeout
        self.maxDatasetBytes = maxDatasetBytes
        self.jitterSeed = jitterSeed
        self.resendsUnconfirmed = resendsUnconfirmed
        self.peerEndpoint = peerEndpoint
        self.peerCredit = max(1, peerCredit)
        self.peerTimeout = peerTimeout
        self.sourcesInterval = sourcesInterval
        self.maxPeerUploads = max(1, maxPeerUploads)
        self.allowsCommandTasks = allowsCommandTasks
    }

    /// The settings of one dataset fetch.
    var fetchSettings: DatasetFetch.Settings {
        DatasetFetch.Settings(
            credit: fetchCredit, peerCredit: peerCredit, peerTimeout: peerTimeout, stallTimeout: fetchStallTimeout,
            sourcesInterval: sourcesInterval, maxBytes: maxDatasetBytes,
            seed: Int(truncatingIfNeeded: PeerTracker.spread(name, peerEndpoint ?? "") >> 1))
    }

    /// Silence after which the coordinator is presumed lost: `liveness` heartbeat periods.
    public var silenceLimit: Duration { heartbeatInterval * liveness }
}
