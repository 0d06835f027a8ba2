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
    /// UPLOAD frames a client keeps unacknowledged.
    public static let uploadCredit = 8

    /// Application heartbeat period, both directions.
    public static let heartbeatInterval: Duration = .seconds(1)
    /// Heartbeats missed before a peer is presumed dead.
    public static let heartbeatLiveness = 5
}
