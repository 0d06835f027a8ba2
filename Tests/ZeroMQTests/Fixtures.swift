import Synchronization
import ZeroMQ

/// Shared set-up for the ZeroMQ tests: loopback endpoints only, and timeouts on every blocking
/// call so a broken test fails in seconds instead of hanging the run.
enum Fixtures {
    /// Long enough never to trip on a loaded 2-core CI box, short enough to fail fast.
    static let patience: Duration = .seconds(30)

    /// A context whose sockets default to LINGER 0, so a failing test never hangs in `terminate`.
    static func context() throws -> Context {
        try Context(blocky: false)
    }

    /// A socket whose blocking receives and sends give up after `patience`.
    static func socket(_ context: Context, _ type: SocketType) throws -> Socket {
        let socket = try context.makeSocket(type)
        try socket.set(.receiveTimeout, patience)
        try socket.set(.sendTimeout, patience)
        return socket
    }

    /// A unique inproc endpoint for one test.
    static func inproc(_ name: String = #function) -> String {
        "inproc://test-\(name)-\(UInt64.random(in: 0...UInt64.max))"
    }

    /// A `server` bound to an ephemeral loopback port and a `client` connected to it.
    static func tcpPair(
        _ context: Context, server serverType: SocketType, client clientType: SocketType,
        configureServer: (Socket) throws -> Void = { _ in },
        configureClient: (Socket) throws -> Void = { _ in }
    ) throws -> (server: Socket, client: Socket, endpoint: String) {
        let server = try socket(context, serverType)
        try configureServer(server)
        try server.bind("tcp://127.0.0.1:*")
        let endpoint = try server.lastEndpoint
        let client = try socket(context, clientType)
        try configureClient(client)
        try client.connect(endpoint)
        return (server, client, endpoint)
    }
}

extension SocketMonitor {
    /// Reads events until one of `kind` arrives, returning it and what came before; throws
    /// `EAGAIN` after `Fixtures.patience` without it.
    @discardableResult
    func next(_ kind: MonitorEvent.Kind) throws -> (event: MonitorEvent, before: [MonitorEvent]) {
        try socket.set(.receiveTimeout, Fixtures.patience)
        var before: [MonitorEvent] = []
        while true {
            let event = try receive()
            if event.kind == kind { return (event, before) }
            before.append(event)
        }
    }
}

/// A value shared between the test and reactor-side closures (a Mutex cannot be captured by
/// escaping closures, being non-copyable).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func callAsFunction() -> Value { mutex.withLock { $0 } }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
