import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A failed libzmq (or eventfd) call: the errno, the C function that set it, and what it means.
///
/// `description` reads `zmq_bind: Address already in use (errno 98) [tcp://127.0.0.1:5555]`,
/// so a log line names the call, the cause and, where there is one, the endpoint or option.
/// `ETERM` means the context is shutting down (`isTerminated`); the reactor treats it as a
/// normal stop rather than a failure.
public struct ZeroMQError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errno value (POSIX, or one of libzmq's own codes such as `ETERM` and `EFSM`).
    public let code: Int32
    /// The C function that failed, e.g. `zmq_msg_recv`, or the wrapper operation for checks
    /// made in Swift (e.g. `Z85.decode`).
    public let function: String
    /// `zmq_strerror(code)`: the system's text for the errno, libzmq's for its own codes.
    public let reason: String
    /// The endpoint, option or rule involved, and what to do, when the caller knows it.
    public let detail: String?

    /// Makes an error from an errno value; `reason` is filled in from `zmq_strerror`.
    public init(code: Int32, function: String, detail: String? = nil) {
        self.code = code
        self.function = function
        self.reason = ZeroMQError.text(for: code)
        self.detail = detail
    }

    public var description: String {
        let base = "\(function): \(reason) (errno \(code))"
        guard let detail else { return base }
        return "\(base) [\(detail)]"
    }

    /// The context was terminated (`ETERM`): the socket or reactor is shutting down.
    public var isTerminated: Bool { code == ZeroMQError.terminated }
    /// A non-blocking call found nothing to do, or a `SNDTIMEO`/`RCVTIMEO` elapsed (`EAGAIN`).
    public var isWouldBlock: Bool { code == EAGAIN }
    /// A ROUTER with `ROUTER_MANDATORY` was asked to send to a routing id it does not know
    /// (`EHOSTUNREACH`): the peer has gone.
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }

    /// The same error with a different detail, for adding the endpoint or option at the call site.
    func with(detail: String) -> ZeroMQError {
        ZeroMQError(code: code, function: function, detail: detail)
    }

    /// libzmq's `ETERM`, exported for matching with `error.code == ZeroMQError.terminated`.
    public static let terminated: Int32 = ETERM
    /// libzmq's `EFSM`: the operation is not valid in the socket's current state (REQ/REP).
    public static let invalidState: Int32 = EFSM

    private static func text(for code: Int32) -> String {
        guard let cString = zmq_strerror(code) else { return "unknown error" }
        return String(cString: cString)
    }
}
