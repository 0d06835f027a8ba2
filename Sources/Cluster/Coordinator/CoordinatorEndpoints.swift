import ZeroMQ

/// Where the coordinator listens. Any libzmq endpoint works: `tcp://*:5556` for a real cluster,
/// `ipc://` or `inproc://` for the embedded one.
public struct CoordinatorEndpoints: Sendable, Equatable {
    public var client: String
    public var worker: String
    public var data: String

    public init(client: String, worker: String, data: String) {
        self.client = client
        self.worker = worker
        self.data = data
    }

    /// Ports 5555 (clients), 5556 (workers) and 5557 (data) on every interface.
    public static let defaultTCP = CoordinatorEndpoints(client: "tcp://*:5555", worker: "tcp://*:5556", data: "tcp://*:5557")
}

/// Socket limits shared by the coordinator and its peers (docs/PROTOCOL.md, Transport).
public enum SocketLimits {
    /// Largest frame on the worker and client sockets: a fold's predictions (67 million floats).
    public static let controlMaxMessage: Int64 = 256 << 20
    /// Largest frame on the data socket: a chunk and its header.
    public static let dataMaxMessage: Int64 = 4 << 20 + 64 << 10
    /// A half-finished handshake is dropped after this long.
    public static let handshake: Duration = .seconds(5)
    /// libzmq's own heartbeats (ZMTP PING/PONG), a backstop for frozen peers.
    public static let zmtpHeartbeat: Duration = .seconds(2)
    public static let zmtpHeartbeatTimeout: Duration = .seconds(6)
    /// The receive high-water mark of every socket with ZMTP heartbeats: none (0). libzmq 4.3.4
    /// (Debian 12's, and still upstream) aborts the whole process (`!_io_error`,
    /// stream_engine_base.cpp:331) when a heartbeat falls due on a connection whose input it had
    /// stopped because the receive pipe was full and whose peer has gone since. Hostile peers
    /// flooding faster than a reactor read, then leaving, did that within a minute of the fuzz
    /// tests. With no mark the input never stops; what waits is held in libzmq's pipe instead (the
    /// coordinator's reactor moves it into its event loop's unbounded `AsyncStream` as fast as it
    /// reads; the worker's core takes it as it handles it).
    public static let receiveHighWaterMark: Int32 = 0

    /// ZMTP heartbeats on `socket`, with the receive high-water mark they need: set together, so
    /// that no socket gets heartbeats without it.
    static func heartbeats(on socket: Socket) throws(ZeroMQError) {
        try socket.set(.heartbeatInterval, zmtpHeartbeat)
        try socket.set(.heartbeatTimeout, zmtpHeartbeatTimeout)
        try socket.set(.heartbeatTTL, zmtpHeartbeatTimeout)
        try socket.set(.receiveHighWaterMark, receiveHighWaterMark)
    }
}
