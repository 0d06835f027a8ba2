import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A ZeroMQ socket, used and closed by the one thread that created it.
///
/// libzmq sockets are not thread-safe, so `Socket` is deliberately not `Sendable`: the
/// compiler keeps it in the isolation domain that made it, and never lets two threads use it
/// at once. (A task that resumes on another thread after an `await` passes a full memory
/// barrier, which is all libzmq asks of a socket that changes threads.) In a process with a
/// `Reactor`, every socket lives on the reactor thread. Closing (explicitly or in `deinit`) honours
/// `LINGER`: queued messages are still sent in the background for that long.
public final class Socket {
    /// The socket's pattern.
    public let type: SocketType
    /// The context the socket was made on; kept alive while the socket is.
    public let context: Context

    private var handle: UnsafeMutableRawPointer?
    /// Scratch message for receives and zero-copy sends: heap-allocated so libzmq's
    /// `zmq_msg_t` never moves or gets copied by value; reused because the socket is confined.
    let scratch: UnsafeMutablePointer<zmq_msg_t>
    /// Called with every socket this one creates (its monitor's PAIR), so a reactor that owns
    /// this socket owns those too and closes them at shutdown.
    var adopt: ((Socket) -> Void)?

    init(handle: UnsafeMutableRawPointer, type: SocketType, context: Context) {
        self.handle = handle
        self.type = type
        self.context = context
        scratch = .allocate(capacity: 1)
    }

    deinit {
        close()
        scratch.deallocate()
    }

    /// Whether `close()` has run; every other call then throws `ENOTSOCK`.
    public var isClosed: Bool { handle == nil }

    /// Closes the socket (idempotent). Unsent messages are still delivered for up to `LINGER`
    /// by libzmq's I/O thread; `Context.terminate` waits for that.
    public func close() {
        guard let open = handle else { return }
        handle = nil
        // zmq_close only fails with ENOTSOCK, which `handle = nil` above makes impossible.
        _ = zmq_close(open)
    }

    /// Accepts connections on `endpoint` (`tcp://127.0.0.1:*` picks a free port; read it back
    /// from `lastEndpoint`).
    /// - Throws: `ZeroMQError`, e.g. `EADDRINUSE`, `EPROTONOSUPPORT`, `EINVAL` for a malformed endpoint.
    public func bind(_ endpoint: String) throws(ZeroMQError) {
        try endpointCall("zmq_bind", endpoint) { zmq_bind($0, $1) }
    }

    /// Connects to `endpoint`; libzmq connects (and reconnects) in the background.
    /// - Throws: `ZeroMQError`, e.g. `EPROTONOSUPPORT`, `EINVAL` for a malformed endpoint.
    public func connect(_ endpoint: String) throws(ZeroMQError) {
        try endpointCall("zmq_connect", endpoint) { zmq_connect($0, $1) }
    }

    /// Stops accepting on an endpoint passed to `bind` (use `lastEndpoint` for a wildcard port).
    /// - Throws: `ZeroMQError` `ENOENT` when the socket is not bound there.
    public func unbind(_ endpoint: String) throws(ZeroMQError) {
        try endpointCall("zmq_unbind", endpoint) { zmq_unbind($0, $1) }
    }

    /// Drops the connection to an endpoint passed to `connect`.
    /// - Throws: `ZeroMQError` `ENOENT` when the socket is not connected there.
    public func disconnect(_ endpoint: String) throws(ZeroMQError) {
        try endpointCall("zmq_disconnect", endpoint) { zmq_disconnect($0, $1) }
    }

    /// The endpoint of the last `bind` or `connect`, with a wildcard port resolved
    /// (e.g. `tcp://127.0.0.1:41623`); empty before either.
    public var lastEndpoint: String {
        get throws(ZeroMQError) {
            OptionCodec.text(try rawOption("ZMQ_LAST_ENDPOINT", ZMQ_LAST_ENDPOINT, capacity: 1024))
        }
    }

    /// Sets `option` to `value`; most options apply to connections made afterwards.
    /// - Throws: `ZeroMQError` `EINVAL` for a value out of range or an option this socket
    ///   type does not support.
    public func set<Value>(_ option: SocketOption<Value>, _ value: Value) throws(ZeroMQError) {
        let bytes = try option.encode(value)
        let socket = try open("zmq_setsockopt")
        do {
            try LibZMQ.call("zmq_setsockopt") {
                bytes.withUnsafeBytes { zmq_setsockopt(socket, option.code, $0.baseAddress, $0.count) }
            }
        } catch {
            throw error.with(detail: "\(option.name) on a \(type) socket")
        }
    }

    /// Reads `option`.
    /// - Throws: `ZeroMQError` `EINVAL` for a write-only option or one this socket type lacks.
    public func get<Value>(_ option: SocketOption<Value>) throws(ZeroMQError) -> Value {
        try option.decode(try rawOption(option.name, option.code, capacity: option.capacity))
    }

    /// The libzmq socket, or `ENOTSOCK` once closed.
    func open(_ function: String) throws(ZeroMQError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw ZeroMQError(code: ENOTSOCK, function: function, detail: "the \(type) socket is closed")
        }
        return handle
    }

    private func endpointCall(
        _ function: String, _ endpoint: String,
        _ body: (UnsafeMutableRawPointer, UnsafePointer<CChar>) -> Int32
    ) throws(ZeroMQError) {
        let socket = try open(function)
        do {
            try LibZMQ.call(function) { endpoint.withCString { body(socket, $0) } }
        } catch {
            throw error.with(detail: endpoint)
        }
    }

    private func rawOption(_ name: String, _ code: Int32, capacity: Int) throws(ZeroMQError) -> [UInt8] {
        let socket = try open("zmq_getsockopt")
        var bytes = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        do {
            try LibZMQ.call("zmq_getsockopt") {
                bytes.withUnsafeMutableBytes { zmq_getsockopt(socket, code, $0.baseAddress, &size) }
            }
        } catch {
            throw error.with(detail: "\(name) on a \(type) socket")
        }
        return Array(bytes.prefix(size))
    }
}

/// Sockets must stay on the thread that made them (libzmq's rule); this makes any attempt
/// to declare or infer otherwise a compile error.
@available(*, unavailable)
extension Socket: Sendable {}
