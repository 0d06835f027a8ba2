import Logging
import Wire
import ZeroMQ

/// The worker's two DEALERs and the connection generation they belong to.
///
/// `@unchecked Sendable`: created before the reactor runs; its sockets are only created, used and
/// closed inside closures the reactor runs on its own thread, and `generation` is only read and
/// written there too (docs/ARCHITECTURE.md, Processes, threads and sockets).
final class WorkerSockets: @unchecked Sendable {
    var control: Socket?
    var data: Socket?
    var generation = 0
    /// CURVE keys for both sockets; nil connects with the NULL mechanism.
    let keys: PeerKeys?
    let logger: Logger
    /// Monitors explaining failed handshakes of the current sockets, and whether this connection
    /// has explained one already (once per connection, not on every libzmq retry).
    private var monitors: [SocketMonitor] = []
    private var explained = false

    init(keys: PeerKeys? = nil, logger: Logger) {
        self.keys = keys
        self.logger = logger
    }

    /// Replaces the sockets with new ones connected to `endpoints`; inbound messages are decoded on
    /// the reactor thread and handed to the core (`handle`) tagged with `generation`.
    func open(
        _ loop: ReactorLoop, endpoints: WorkerEndpoints, generation: Int, handle: @escaping (WorkerInput) -> Void
    ) throws {
        close(loop)
        self.generation = generation
        explained = false
        let control = try Self.makeDealer(loop, maxMessage: SocketLimits.controlMaxMessage, keys: keys)
        self.control = control
        let data = try Self.makeDealer(loop, maxMessage: SocketLimits.dataMaxMessage, keys: keys)
        self.data = data
        monitors = [try HandshakeWatch.start(on: control, loop: loop) { [self] event in explain(event) }]
        try control.connect(endpoints.control)
        try data.connect(endpoints.data)
        loop.register(control) { socket in
            Self.drain(socket) { frames in
                do throws(WireError) {
                    handle(.control(try CoordinatorMessage.decode(frames), generation: generation))
                } catch {
                    handle(.malformed(.control, error))
                }
            }
        }
        loop.register(data) { socket in
            Self.drain(socket) { frames in
                do throws(WireError) {
                    handle(.data(try DataReply.decode(frames), generation: generation))
                } catch {
                    handle(.malformed(.data, error))
                }
            }
        }
    }

    /// Closes both sockets (LINGER 0: nothing queued for a lost coordinator is worth keeping).
    func close(_ loop: ReactorLoop) {
        if let control { loop.close(control) }
        if let data { loop.close(data) }
        for monitor in monitors { loop.close(monitor.socket) }
        control = nil
        data = nil
        monitors = []
    }

    /// Logs what a failed handshake on the control socket means, once per connection.
    private func explain(_ event: MonitorEvent) {
        guard !explained else { return }
        explained = true
        logger.error("cannot connect to the coordinator securely", metadata: [
            "reason": "\(HandshakeWatch.explain(event, role: "worker", hasKeys: keys != nil))",
            "endpoint": "\(event.endpoint)",
        ])
    }

    /// DEALER options of docs/PROTOCOL.md (Transport): IMMEDIATE (nothing queues on a pipe that
    /// is not connected, so no stale beat is replayed), LINGER 0, a frame size cap, ZMTP heartbeats
    /// as a backstop for a frozen coordinator, a steady 1 s libzmq reconnect (the worker core
    /// replaces the sockets with its own backoff when the coordinator stays silent), TCP keepalive;
    /// with `keys`, CURVE. The caller connects it.
    static func makeDealer(_ loop: ReactorLoop, maxMessage: Int64, keys: PeerKeys?) throws -> Socket {
        let socket = try loop.makeSocket(.dealer)
        if let keys { try socket.useCurve(keys) }
        try socket.set(.linger, .zero)
        try socket.set(.immediate, true)
        try socket.set(.maxMessageSize, maxMessage)
        try socket.set(.handshakeInterval, SocketLimits.handshake)
        try SocketLimits.heartbeats(on: socket)
        try socket.set(.reconnectInterval, .seconds(1))
        try socket.set(.reconnectIntervalMax, .zero)
        try socket.set(.tcpKeepAlive, 1)
        try socket.set(.tcpKeepAliveIdle, .seconds(30))
        return socket
    }

    /// Reads a bounded batch of what is waiting, so one busy socket cannot starve the other.
    static func drain(_ socket: Socket, _ deliver: ([[UInt8]]) -> Void) {
        for _ in 0..<64 {
            guard let message = try? socket.tryReceive() else { return }
            deliver(message.frames.map(\.bytes))
        }
    }

    /// Sends on the current control socket; false when it is closed or cannot take the message.
    func trySendControl(_ frames: [Frame], logger: Logger) -> Bool {
        Self.trySend(frames, on: control, logger: logger)
    }

    func trySendData(_ frames: [Frame], logger: Logger) -> Bool {
        Self.trySend(frames, on: data, logger: logger)
    }

    private static func trySend(_ frames: [Frame], on socket: Socket?, logger: Logger) -> Bool {
        guard let socket else { return false }
        do {
            return try socket.trySend(frames)
        } catch {
            logger.debug("send failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
