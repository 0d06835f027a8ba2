import ZeroMQ

/// Sockets of one reactor, reachable from the `@Sendable` closures queued on it.
///
/// `@unchecked Sendable`: the box is created before the reactor runs and its sockets are only
/// created, read, used and closed inside closures that the reactor runs on its own thread; no
/// other thread ever touches them (docs/ARCHITECTURE.md, Processes, threads and sockets).
final class SocketBox: @unchecked Sendable {
    private var sockets: [String: Socket] = [:]

    subscript(name: String) -> Socket? {
        get { sockets[name] }
        set { sockets[name] = newValue }
    }

    func removeAll() { sockets = [:] }
}
