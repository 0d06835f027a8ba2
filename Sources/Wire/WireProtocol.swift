/// Constants every crossfold peer agrees on; docs/PROTOCOL.md is the normative text.
public enum WireProtocol {
    /// Frame 0 of every message: `crossfold/<version>` in ASCII.
    public static let name = "crossfold"
    /// The version this build speaks. Peers with another version are refused, never downgraded.
    public static let version = 1
    /// `crossfold/1`.
    public static var tag: String { "\(name)/\(version)" }

    /// Largest JSON header accepted.
    public static let maxHeaderBytes = 64 * 1024
    /// Most frames one message may have (after the routing id).
    public static let maxFrames = 3 + 2 * 64 + 8

    /// Most dataset hashes a READY may list (64 hex digits each must fit the header limit).
    public static let maxCachedHashes = 512

    /// Bytes a worker asks for per FETCH, and that a client sends per UPLOAD frame.
    public static let chunkBytes = 1 << 20
    /// FETCH requests a worker keeps outstanding (the credit), as in the Guide's fileio3.
    public static let fetchCredit = 8
    /// Most chunks a dataset may have in a MANIFEST or SOURCES (64 GiB of 1 MiB chunks).
    public static let maxChunks = 1 << 16
    /// Most peers one SOURCES names.
    public static let maxPeers = 16
    /// UPLOAD frames a client keeps unacknowledged.
    public static let uploadCredit = 8

    /// Most tasks a coordinator hands a worker per slot: one running and the rest sent ahead, for
    /// a job of short tasks. A worker holds this many per slot, plus 16 (cancelled tasks still
    /// finishing), before it refuses a TASK.
    public static let tasksPerSlot = 4

    /// Application heartbeat period, both directions.
    public static let heartbeatInterval: Duration = .seconds(1)
    /// Heartbeats missed before the coordinator presumes a worker dead.
    public static let heartbeatLiveness = 5
    /// Heartbeats a worker misses before it gives up on its connection: twice the coordinator's,
    /// so that after a silence the coordinator always decides first. With equal limits, a link
    /// back after 4-5 s let the worker's RESULT through first; the coordinator, still trusting
    /// the worker, handed it the next fold, and the worker, silent for 5 s by its own clock, then
    /// dropped the connection with that fold in it, costing the fold an attempt.
    public static let workerLiveness = 10
}
