import CZeroMQ
import Synchronization

/// Tells monitors of one process apart: each needs its own inproc endpoint.
private let monitorSerial = Atomic<UInt64>(0)

/// Socket events (connects, disconnects, handshakes) of one socket, read from the inproc PAIR
/// that `zmq_socket_monitor` publishes them on. Lives on the monitored socket's thread.
public final class SocketMonitor {
    /// The PAIR the events arrive on; poll it or register it with a reactor.
    public let socket: Socket
    /// The inproc endpoint libzmq publishes the events on.
    public let endpoint: String

    init(socket: Socket, endpoint: String) {
        self.socket = socket
        self.endpoint = endpoint
    }

    /// Waits for the next event, up to the PAIR's `RCVTIMEO` (forever by default).
    /// - Throws: `ZeroMQError` (`EAGAIN` on timeout, `EPROTO` for a malformed event).
    public func receive() throws(ZeroMQError) -> MonitorEvent {
        try MonitorEvent(frames: socket.receive().frames)
    }

    /// The next event if one is waiting, else nil.
    /// - Throws: `ZeroMQError` (`EPROTO` for a malformed event).
    public func tryReceive() throws(ZeroMQError) -> MonitorEvent? {
        guard let message = try socket.tryReceive() else { return nil }
        return try MonitorEvent(frames: message.frames)
    }

    /// Closes the PAIR; events published afterwards are dropped.
    public func close() {
        socket.close()
    }
}

extension Socket {
    /// Starts publishing this socket's `events` and returns the monitor that reads them.
    /// Start it before `bind`/`connect` to see every event. A socket has one monitor at a time;
    /// when this socket belongs to a reactor, so does the monitor's PAIR.
    /// - Throws: `ZeroMQError` from `zmq_socket_monitor` or from creating/connecting the PAIR.
    public func monitor(_ events: Set<MonitorEvent.Kind> = MonitorEvent.Kind.all) throws(ZeroMQError) -> SocketMonitor {
        let socket = try open("zmq_socket_monitor")
        let serial = monitorSerial.add(1, ordering: .relaxed).newValue
        let endpoint = "inproc://zeromq.monitor.\(serial)"
        let mask = events.reduce(Int32(0)) { $0 | Int32($1.rawValue) }
        do {
            try LibZMQ.call("zmq_socket_monitor") { zmq_socket_monitor(socket, endpoint, mask) }
        } catch {
            throw error.with(detail: "\(type) socket → \(endpoint)")
        }
        let pair = try context.makeSocket(.pair)
        adopt?(pair)
        try pair.connect(endpoint)
        return SocketMonitor(socket: pair, endpoint: endpoint)
    }
}
