import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// One socket event from a `SocketMonitor`: what happened, its numeric value, and the endpoint.
public struct MonitorEvent: Sendable, Hashable, CustomStringConvertible {
    /// The kind of event (`ZMQ_EVENT_*`). Unknown ids from a newer libzmq keep their number.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// A connection to the endpoint was established (value: the fd).
        public static let connected = Kind(ZMQ_EVENT_CONNECTED)
        /// A connect is in progress and will complete later (value: errno).
        public static let connectDelayed = Kind(ZMQ_EVENT_CONNECT_DELAYED)
        /// A reconnect is scheduled (value: the reconnect interval in ms).
        public static let connectRetried = Kind(ZMQ_EVENT_CONNECT_RETRIED)
        /// The socket is listening on the endpoint (value: the fd).
        public static let listening = Kind(ZMQ_EVENT_LISTENING)
        /// Binding failed (value: errno).
        public static let bindFailed = Kind(ZMQ_EVENT_BIND_FAILED)
        /// A peer's connection was accepted (value: the fd).
        public static let accepted = Kind(ZMQ_EVENT_ACCEPTED)
        /// Accepting a connection failed (value: errno).
        public static let acceptFailed = Kind(ZMQ_EVENT_ACCEPT_FAILED)
        /// A connection or listener was closed (value: the fd).
        public static let closed = Kind(ZMQ_EVENT_CLOSED)
        /// Closing failed (value: errno).
        public static let closeFailed = Kind(ZMQ_EVENT_CLOSE_FAILED)
        /// A session was lost, e.g. the peer died (value: the fd).
        public static let disconnected = Kind(ZMQ_EVENT_DISCONNECTED)
        /// Monitoring stopped (the socket closed or the monitor was removed).
        public static let monitorStopped = Kind(ZMQ_EVENT_MONITOR_STOPPED)
        /// A handshake failed for a reason other than protocol or authentication, e.g. no ZAP
        /// handler while `zapEnforceDomain` is on (value: errno).
        public static let handshakeFailedNoDetail = Kind(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        /// The ZMTP (and security) handshake completed: the peer is really there.
        public static let handshakeSucceeded = Kind(ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        /// The peer broke the protocol during the handshake (value: a `ZMQ_PROTOCOL_ERROR_*` code).
        public static let handshakeFailedProtocol = Kind(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        /// Authentication was refused (value: the ZAP status code, e.g. 400).
        public static let handshakeFailedAuth = Kind(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

        /// Every event libzmq 4.3.4 (non-draft) emits.
        public static let all: Set<Kind> = [
            .connected, .connectDelayed, .connectRetried, .listening, .bindFailed, .accepted,
            .acceptFailed, .closed, .closeFailed, .disconnected, .monitorStopped,
            .handshakeFailedNoDetail, .handshakeSucceeded, .handshakeFailedProtocol, .handshakeFailedAuth,
        ]

        /// Whether this is one of the three handshake failures.
        public var isHandshakeFailure: Bool {
            self == .handshakeFailedNoDetail || self == .handshakeFailedProtocol || self == .handshakeFailedAuth
        }

        private init(_ constant: Int32) { rawValue = UInt16(truncatingIfNeeded: constant) }

        public var description: String {
            switch self {
            case .connected: "CONNECTED"
            case .connectDelayed: "CONNECT_DELAYED"
            case .connectRetried: "CONNECT_RETRIED"
            case .listening: "LISTENING"
            case .bindFailed: "BIND_FAILED"
            case .accepted: "ACCEPTED"
            case .acceptFailed: "ACCEPT_FAILED"
            case .closed: "CLOSED"
            case .closeFailed: "CLOSE_FAILED"
            case .disconnected: "DISCONNECTED"
            case .monitorStopped: "MONITOR_STOPPED"
            case .handshakeFailedNoDetail: "HANDSHAKE_FAILED_NO_DETAIL"
            case .handshakeSucceeded: "HANDSHAKE_SUCCEEDED"
            case .handshakeFailedProtocol: "HANDSHAKE_FAILED_PROTOCOL"
            case .handshakeFailedAuth: "HANDSHAKE_FAILED_AUTH"
            default: "EVENT_\(rawValue)"
            }
        }
    }

    public let kind: Kind
    /// The event's value: an fd, an errno, an interval or a status code, depending on `kind`.
    public let value: UInt32
    /// The endpoint the event concerns, e.g. `tcp://127.0.0.1:41623`.
    public let endpoint: String

    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Decodes a monitor message: frame 1 is a 16-bit event id then a 32-bit value, both in
    /// host byte order (libzmq writes them with memcpy); frame 2 is the endpoint.
    /// - Throws: `ZeroMQError` `EPROTO` for any other layout.
    public init(frames: [Frame]) throws(ZeroMQError) {
        guard frames.count == 2, frames[0].count == 6 else {
            throw ZeroMQError(
                code: EPROTO, function: "MonitorEvent(frames:)",
                detail: "expected 2 frames with a 6-byte first frame, got \(frames.map(\.count)) bytes")
        }
        let (id, value) = frames[0].withUnsafeBytes { raw in
            (raw.loadUnaligned(as: UInt16.self), raw.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        self.init(kind: Kind(rawValue: id), value: value, endpoint: String(decoding: frames[1].bytes, as: UTF8.self))
    }

    public var description: String { "\(kind)(\(value)) \(endpoint)" }
}
