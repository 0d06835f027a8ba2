import Foundation
import Logging
import Synchronization
import Wire
import ZeroMQ

/// The command line's connection to a coordinator's client socket: one DEALER on a reactor thread
/// of its own, requests matched to replies by id, each retried a few times (the Guide's Lazy
/// Pirate) before the coordinator is declared unreachable. Requests are idempotent on the
/// coordinator's side (SUBMIT is deduplicated by request id), so retrying is safe.
public final class ClusterClient: Sendable {
    public let endpoint: String
    let timeout: Duration
    let attempts: Int
    let reactor: Reactor
    let sockets = SocketBox()
    let pending = PendingReplies()
    let logger: Logger
    /// CURVE keys; nil connects with the NULL mechanism.
    let keys: PeerKeys?
    /// What the last failed security handshake meant, to explain a coordinator that never answers.
    let handshakeFailure = Mutex<String?>(nil)
    private let prefix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private let counter = Mutex(0)

    /// - Parameters:
    ///   - timeout: how long to wait for each reply before resending.
    ///   - attempts: sends per request before giving up with `ClientError.unreachable`.
    ///   - keys: CURVE keys (`KeyDirectory.clientKeys()`) for a coordinator that requires them.
    public init(
        endpoint: String, timeout: Duration = .seconds(3), attempts: Int = 4, keys: PeerKeys? = nil, logger: Logger
    ) throws(ZeroMQError) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.attempts = attempts
        self.keys = keys
        self.logger = logger
        reactor = try Reactor(name: "crossfold.client")
    }

    /// Opens the socket (connecting happens in the background; requests wait for it).
    public func connect() async throws {
        reactor.start()
        let (sockets, pending, endpoint, logger, keys) = (self.sockets, self.pending, self.endpoint, self.logger, self.keys)
        try await reactor.run { [self] loop in
            let socket = try loop.makeSocket(.dealer)
            if let keys { try socket.useCurve(keys) }
            try socket.set(.linger, .zero)
            // No IMMEDIATE: a request made before the connection is up waits in the socket and goes
            // out the moment it connects, instead of being refused and resent after a timeout.
            // Duplicates from resends are harmless (requests are idempotent); LINGER 0 drops what
            // is still queued when the client closes.
            try socket.set(.handshakeInterval, SocketLimits.handshake)
            try socket.set(.maxMessageSize, SocketLimits.controlMaxMessage)
            try socket.set(.reconnectInterval, .milliseconds(250))
            try socket.set(.reconnectIntervalMax, .seconds(2))
            _ = try HandshakeWatch.start(on: socket, loop: loop) { event in
                let reason = HandshakeWatch.explain(event, role: "client", hasKeys: keys != nil)
                self.handshakeFailure.withLock { $0 = reason }
                logger.debug("security handshake failed", metadata: ["reason": "\(reason)"])
            }
            try socket.connect(endpoint)
            sockets["client"] = socket
            loop.register(socket) { socket in
                for _ in 0..<64 {
                    guard let message = try? socket.tryReceive() else { return }
                    do {
                        pending.deliver(try ClientReply.decode(message.frames.map(\.bytes)))
                    } catch {
                        logger.warning("dropped an unreadable reply", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Closes the socket and stops the reactor thread.
    public func close() async {
        await reactor.stop()
    }

    /// A fresh request id.
    func nextID() -> String {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        return "\(prefix)-\(number)"
    }

    /// Sends the request `make(id)` and returns its reply, resending on timeout. A refusal comes
    /// back as `ClientError.refused`.
    public func request(_ make: (String) -> ClientRequest) async throws(ClientError) -> ClientReply {
        let request = make(nextID())
        let reply: ClientReply
        do {
            guard let answer = try await send(request, attempts: attempts) else {
                if let reason = handshakeFailure.withLock({ $0 }) {
                    throw ClientError.handshakeFailed(endpoint: endpoint, reason: reason)
                }
                throw ClientError.unreachable(endpoint: endpoint, attempts: attempts)
            }
            reply = answer
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError.cancelled
        }
        if case .error(let refusal) = reply {
            throw ClientError.refused(code: refusal.code, message: refusal.message)
        }
        return reply
    }

    /// Sends without waiting: the reply is collected later with `collect`.
    func start(_ request: ClientRequest) {
        start(id: request.request, frames: request.envelope.frames.map { Frame($0) })
    }

    /// Sends ready-made frames (a request whose payload goes out without copying) without waiting.
    func start(id: String, frames: [Frame]) {
        pending.expect(id)
        let sockets = self.sockets
        try? reactor.execute { _ in
            // A full pipe (a coordinator that stopped reading) refuses the message; the timeout and
            // resend cover it.
            _ = try? sockets["client"]?.trySend(frames)
        }
    }

    /// Waits for the reply of a request sent with `start`; nil on timeout.
    func collect(_ request: ClientRequest, timeout: Duration? = nil) async throws -> ClientReply? {
        try await collect(id: request.request, timeout: timeout)
    }

    func collect(id: String, timeout: Duration? = nil) async throws -> ClientReply? {
        try await pending.wait(id, timeout: timeout ?? self.timeout)
    }

    private func send(_ request: ClientRequest, attempts: Int) async throws -> ClientReply? {
        for attempt in 1...max(1, attempts) {
            start(request)
            if let reply = try await collect(request) { return reply }
            logger.debug("no reply yet; resending", metadata: ["request": "\(request.request)", "attempt": "\(attempt)"])
        }
        pending.forget(request.request)
        return nil
    }
}
