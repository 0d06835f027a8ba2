import Wire

/// Why a request to the coordinator did not get a useful answer.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No reply after every retry: the coordinator is down or unreachable (exit code 69).
    case unreachable(endpoint: String, attempts: Int)
    /// No reply, and the security handshake failed: a refused key, or keys on one side only
    /// (exit code 69). `reason` says which and what to do.
    case handshakeFailed(endpoint: String, reason: String)
    /// The coordinator answered with a refusal: a code and what to do.
    case refused(code: String, message: String)
    /// The reply could not be understood (another crossfold version, a bug).
    case badReply(String)
    case cancelled

    public var description: String {
        switch self {
        case .unreachable(let endpoint, let attempts):
            "no answer from the coordinator at \(endpoint) after \(attempts) attempts; "
                + "check that `crossfold coordinator` runs there and that the port is reachable"
        case .handshakeFailed(let endpoint, let reason):
            "no answer from the coordinator at \(endpoint): \(reason)"
        case .refused(_, let message):
            message
        case .badReply(let detail):
            "the coordinator's reply could not be understood (\(detail)); run the same crossfold release on both sides"
        case .cancelled:
            "cancelled"
        }
    }
}
