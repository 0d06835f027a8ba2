#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that refuses connections for as long as this value lives: a socket is
/// bound to it but never listens, so no other process can take the port and every connect gets
/// ECONNREFUSED. For tests of "the coordinator is unreachable".
public final class CLIUnusedPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    /// Binds a socket to an ephemeral port.
    ///
    /// - Throws: `LoopbackServerError` when the socket cannot be created or bound.
    public init() throws(LoopbackServerError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError(function: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        let named = bound == 0 ? withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        } : -1
        guard named == 0 else {
            let failure = LoopbackServerError(function: bound == 0 ? "getsockname" : "bind", errno: errno)
            close(fd)
            throw failure
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    /// `tcp://127.0.0.1:<port>`.
    public var endpoint: String { "tcp://127.0.0.1:\(port)" }
}
