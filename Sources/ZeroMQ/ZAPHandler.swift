#if canImport(Glibc)
import Glibc
#endif

/// Answers libzmq's authentication requests (ZAP, RFC 27) for every socket of one context,
/// through a ROUTER bound to `inproc://zeromq.zap.01`, with a caller-supplied decision.
///
/// Bind it before any server socket accepts a connection, and keep it on the thread that
/// made it (the reactor's, with `init(loop:decide:)`). A ROUTER, not a REP, so a malformed
/// request can be dropped without leaving a REP socket stuck waiting to reply.
public final class ZAPHandler {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The handler's ROUTER; poll it or register it, then call `answerPending()`.
    public let socket: Socket
    private let decide: (ZAPRequest) -> ZAPDecision

    /// Binds a handler on `context`; answer requests by polling `socket` and calling
    /// `answerPending()`.
    /// - Throws: `ZeroMQError` `EADDRINUSE` when the context already has a ZAP handler.
    public convenience init(context: Context, decide: @escaping (ZAPRequest) -> ZAPDecision) throws(ZeroMQError) {
        try self.init(socket: context.makeSocket(.router), decide: decide)
    }

    /// Binds a handler on the reactor's context and registers it, so requests are answered
    /// on the reactor thread as they arrive; `onError` hears of requests that could not be
    /// read or answered (each such handshake fails, or times out after `handshakeInterval`).
    /// - Throws: `ZeroMQError` `EADDRINUSE` when the context already has a ZAP handler.
    public convenience init(
        loop: ReactorLoop, decide: @escaping (ZAPRequest) -> ZAPDecision,
        onError: @escaping (ZeroMQError) -> Void = { _ in }
    ) throws(ZeroMQError) {
        try self.init(socket: loop.makeSocket(.router), decide: decide)
        // The registration keeps the handler alive for as long as the reactor owns its socket,
        // so callers need not hold on to it.
        loop.register(socket) { _ in
            do throws(ZeroMQError) {
                try self.answerPending(onMalformed: onError)
            } catch {
                onError(error)
            }
        }
    }

    private init(socket: Socket, decide: @escaping (ZAPRequest) -> ZAPDecision) throws(ZeroMQError) {
        self.socket = socket
        self.decide = decide
        try socket.set(.linger, .zero)
        try socket.bind(ZAPHandler.endpoint)
    }

    /// Answers every request waiting now, without blocking; returns how many were answered.
    /// A malformed request is reported to `onMalformed` and answered with status 500 when it
    /// carries enough to be answered at all, else dropped.
    /// - Throws: `ZeroMQError` from receiving or sending.
    @discardableResult
    public func answerPending(onMalformed: (ZeroMQError) -> Void = { _ in }) throws(ZeroMQError) -> Int {
        var answered = 0
        while let message = try socket.tryReceive() {
            // ROUTER envelope: the libzmq session's routing id, then an empty delimiter.
            let frames = message.frames
            guard frames.count >= 2, frames[1].isEmpty else {
                onMalformed(ZeroMQError(code: EPROTO, function: "ZAPHandler", detail: "request without a delimiter frame"))
                continue
            }
            let envelope = Array(frames[0...1])
            let body = Array(frames.dropFirst(2))
            let reply: [Frame]
            do {
                let request = try ZAPRequest(frames: body)
                reply = switch decide(request) {
                case .allow(let userID): ZAPHandler.reply(request.requestID, "200", "OK", userID: userID)
                case .deny(let reason): ZAPHandler.reply(request.requestID, "400", reason, userID: "")
                }
            } catch {
                onMalformed(error)
                guard body.count >= 2 else { continue }
                reply = ZAPHandler.reply(body[1].bytes, "500", error.detail ?? error.reason, userID: "")
            }
            try socket.send(envelope + reply)
            answered += 1
        }
        return answered
    }

    /// A decision function for Ironhouse: allow a CURVE client whose key is listed for the
    /// request's domain, with the listed user id; deny everything else, NULL and PLAIN included.
    public static func allowlist(_ keysByDomain: [String: [CurvePublicKey: String]]) -> @Sendable (ZAPRequest) -> ZAPDecision {
        { request in
            guard let key = request.curvePublicKey else {
                return .deny(reason: "\(request.mechanism) is not accepted; use CURVE")
            }
            guard let userID = keysByDomain[request.domain]?[key] else {
                return .deny(reason: "key not allowed in domain \(request.domain)")
            }
            return .allow(userID: userID)
        }
    }

    private static func reply(_ requestID: [UInt8], _ status: String, _ text: String, userID: String) -> [Frame] {
        // Version, request id, status code, status text, user id, metadata (none).
        ["1.0", Frame(requestID), Frame(status), Frame(text), Frame(userID), Frame([])]
    }
}
