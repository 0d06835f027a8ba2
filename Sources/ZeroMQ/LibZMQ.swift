import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The one checker every libzmq (and eventfd) call goes through.
///
/// A call that fails with `EINTR` is retried (a signal interrupted it, nothing happened);
/// `EAGAIN` comes back as `nil` so the caller decides whether "nothing now" is normal
/// (a non-blocking receive) or an error (a blocking send whose `SNDTIMEO` elapsed);
/// every other errno is thrown as a `ZeroMQError` naming the function.
enum LibZMQ {
    /// Runs a call that returns -1 and sets errno on failure; returns its result, or nil on `EAGAIN`.
    @inline(__always)
    static func attempt(_ function: String, _ body: () -> Int32) throws(ZeroMQError) -> Int32? {
        while true {
            let result = body()
            if result != -1 { return result }
            switch zmq_errno() {
            case EINTR: continue
            case EAGAIN: return nil
            case let code: throw ZeroMQError(code: code, function: function)
            }
        }
    }

    /// Like `attempt`, for calls where `EAGAIN` cannot happen or is itself an error.
    @inline(__always)
    @discardableResult
    static func call(_ function: String, _ body: () -> Int32) throws(ZeroMQError) -> Int32 {
        guard let result = try attempt(function, body) else {
            throw ZeroMQError(code: EAGAIN, function: function)
        }
        return result
    }

    /// Runs a call that returns NULL and sets errno on failure (`zmq_ctx_new`, `zmq_socket`).
    @inline(__always)
    static func pointer<T>(_ function: String, _ body: () -> T?) throws(ZeroMQError) -> T {
        while true {
            if let result = body() { return result }
            let code = zmq_errno()
            if code == EINTR { continue }
            throw ZeroMQError(code: code, function: function)
        }
    }

    /// Runs a POSIX call that returns -1 and sets errno (eventfd reads and writes):
    /// same policy as `attempt`, for calls that return a byte count.
    @inline(__always)
    static func posix(_ function: String, _ body: () -> Int) throws(ZeroMQError) -> Int? {
        while true {
            let result = body()
            if result != -1 { return result }
            switch errno {
            case EINTR: continue
            case EAGAIN: return nil
            case let code: throw ZeroMQError(code: code, function: function)
            }
        }
    }

    /// The text before the first NUL of a C string buffer filled by libzmq.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
