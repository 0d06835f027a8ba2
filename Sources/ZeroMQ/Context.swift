import CZeroMQ
import Synchronization

/// A libzmq context: the I/O threads and the inproc namespace that sockets share.
///
/// Sendable because libzmq documents `zmq_ctx_*` and `zmq_socket` as thread-safe; the only
/// Swift state is the open/terminated flag, kept under a mutex so a socket is never created on
/// a context that `terminate()` has already freed. Sockets keep their context alive, so the
/// context is terminated (in `deinit`) only after every socket made on it has been closed.
public final class Context: @unchecked Sendable {
    private enum State { case open, terminated }

    private let handle: UnsafeMutableRawPointer
    private let state = Mutex(State.open)

    /// Creates a context with `ioThreads` background I/O threads (one is plenty below ~1 GB/s).
    ///
    /// With `blocky: false`, sockets created on it default to `LINGER` 0, so `terminate()`
    /// never waits for unsent messages; with `true` (libzmq's default) they linger forever.
    /// - Throws: `ZeroMQError` from `zmq_ctx_new` (out of file descriptors) or `zmq_ctx_set`.
    public init(ioThreads: Int32 = 1, blocky: Bool = true) throws(ZeroMQError) {
        handle = try LibZMQ.pointer("zmq_ctx_new") { zmq_ctx_new() }
        do {
            try LibZMQ.call("zmq_ctx_set") { zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) }
            try LibZMQ.call("zmq_ctx_set") { zmq_ctx_set(handle, ZMQ_BLOCKY, blocky ? 1 : 0) }
        } catch {
            zmq_ctx_term(handle)
            throw error.with(detail: "ZMQ_IO_THREADS=\(ioThreads) ZMQ_BLOCKY=\(blocky)")
        }
    }

    deinit {
        terminate()
    }

    /// Creates a socket of `type` on this context; use it on the calling thread only.
    /// - Throws: `ZeroMQError` with `ETERM` after `shutdown()`/`terminate()`, `EMFILE` when
    ///   the context's socket limit is reached.
    public func makeSocket(_ type: SocketType) throws(ZeroMQError) -> Socket {
        // Held across zmq_socket so terminate() cannot free the context under us.
        let raw: UnsafeMutableRawPointer = try state.withLock { (state) throws(ZeroMQError) in
            guard state == .open else {
                throw ZeroMQError(code: ZeroMQError.terminated, function: "zmq_socket", detail: "context terminated")
            }
            return try LibZMQ.pointer("zmq_socket") { zmq_socket(handle, type.rawValue) }
        }
        return Socket(handle: raw, type: type, context: self)
    }

    /// Makes every blocking call on this context's sockets return `ETERM`, without waiting.
    /// Safe to call from any thread, any number of times; sockets must still be closed.
    public func shutdown() {
        state.withLock { state in
            guard state == .open else { return }
            // Cannot fail on a live context; EFAULT would mean a freed handle, which the lock rules out.
            _ = zmq_ctx_shutdown(handle)
        }
    }

    /// Terminates the context: blocks until every socket made on it is closed and has sent
    /// what its `LINGER` allows, then frees it. Idempotent. Do not call it on the thread that
    /// still owns an open socket of this context: it would wait for that socket forever.
    public func terminate() {
        let wasOpen = state.withLock { state in
            defer { state = .terminated }
            return state == .open
        }
        guard wasOpen else { return }
        // Only EINTR (retried) and EFAULT (impossible: the handle is valid) can come back.
        _ = try? LibZMQ.call("zmq_ctx_term") { zmq_ctx_term(handle) }
    }

    /// Whether `terminate()` has run.
    public var isTerminated: Bool { state.withLock { $0 == .terminated } }

    /// The raw context, for `zmq_socket_monitor` peers and poll items inside this module.
    var rawHandle: UnsafeMutableRawPointer { handle }
}
