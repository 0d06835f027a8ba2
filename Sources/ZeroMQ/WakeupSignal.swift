import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A wake-up any thread can raise and a poll loop can wait on: a Linux `eventfd`, polled as a
/// raw file descriptor next to ZeroMQ sockets.
///
/// An inproc PAIR would need one socket per sending thread (sockets are thread-confined, and
/// async code resumes on arbitrary pool threads); an eventfd is a counter the kernel makes
/// safe to write from anywhere. Signals raised before the next `drain` coalesce into one wake-up.
/// Sendable: its only state is the immutable descriptor, and `write`/`read` on an eventfd are
/// atomic in the kernel.
public final class WakeupSignal: Sendable {
    /// The eventfd; readable while at least one signal is pending. Poll it, never close it.
    public let fileDescriptor: Int32

    /// Creates a non-blocking, close-on-exec eventfd.
    /// - Throws: `ZeroMQError` from `eventfd`, e.g. `EMFILE` when out of file descriptors.
    public init() throws(ZeroMQError) {
        let flags = Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)
        let descriptor = eventfd(0, flags)
        guard descriptor >= 0 else { throw ZeroMQError(code: errno, function: "eventfd") }
        fileDescriptor = descriptor
    }

    deinit {
        _ = Glibc.close(fileDescriptor)
    }

    /// Raises the signal; safe from any thread, never blocks.
    /// - Throws: `ZeroMQError` from `write` (not expected for a live eventfd).
    public func signal() throws(ZeroMQError) {
        var one: UInt64 = 1
        // EAGAIN means the counter is at its 2^64-2 ceiling: a wake-up is pending anyway.
        _ = try LibZMQ.posix("write(eventfd)") { write(fileDescriptor, &one, MemoryLayout<UInt64>.size) }
    }

    /// Clears pending signals without blocking.
    /// - Returns: how many signals were raised since the last drain (0 when none).
    /// - Throws: `ZeroMQError` from `read` (not expected for a live eventfd).
    @discardableResult
    public func drain() throws(ZeroMQError) -> UInt64 {
        var count: UInt64 = 0
        guard try LibZMQ.posix("read(eventfd)", { read(fileDescriptor, &count, MemoryLayout<UInt64>.size) }) != nil else {
            return 0
        }
        return count
    }

    /// The poll item that waits for this signal.
    public var pollItem: PollItem { .fileDescriptor(fileDescriptor) }
}
