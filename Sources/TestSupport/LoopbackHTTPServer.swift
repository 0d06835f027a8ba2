import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A failure starting a test server, with the failing call and errno.
public struct LoopbackServerError: Error, Sendable, CustomStringConvertible {
    public var function: String
    public var errno: Int32
    public var description: String { "\(function) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// A small HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for tests that must speak real HTTP.
///
/// POSIX sockets, one accept thread and one thread per connection (never the cooperative pool).
/// Understands Content-Length bodies, `Expect: 100-continue`, keep-alive and `Connection: close`;
/// refuses chunked bodies (411), heads over 64 KiB (431) and bodies over 16 MiB (413). Every
/// request goes to `handler`, which runs on the connection's thread.
final class LoopbackHTTPServer: Sendable {
    let port: Int
    private let listener: Int32
    private let handler: @Sendable (RecordedHTTPRequest) -> HTTPReply
    private let stopping = Atomic<Bool>(false)
    private let connections = Mutex<Set<Int32>>([])
    private let threads = DispatchGroup()

    private static let maxHead = 64 * 1024
    private static let maxBody = 16 * 1024 * 1024
    /// How often blocked threads look at `stopping`.
    private static let pollMilliseconds: Int32 = 50

    /// Binds and starts serving.
    ///
    /// - Throws: `LoopbackServerError` when a socket call fails.
    init(handler: @escaping @Sendable (RecordedHTTPRequest) -> HTTPReply) throws(LoopbackServerError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError(function: "socket", errno: errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let failure = LoopbackServerError(function: bound == 0 ? "listen" : "bind", errno: errno)
            close(fd)
            throw failure
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let failure = LoopbackServerError(function: "getsockname", errno: errno)
            close(fd)
            throw failure
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.handler = handler
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            threads.leave()
        }
    }

    /// Stops accepting, closes every connection and waits for the threads to end.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        for fd in connections.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
        threads.wait()
        close(listener)
    }

    deinit { stop() }

    // MARK: - Threads

    private func acceptLoop() {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Self.pollMilliseconds) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            connections.withLock { _ = $0.insert(fd) }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(fd)
                connections.withLock { _ = $0.remove(fd) }
                close(fd)
                threads.leave()
            }
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        while true {
            guard let headEnd = Self.find([13, 10, 13, 10], in: buffer) else {
                guard buffer.count <= Self.maxHead else { return write(HTTPReply(status: 431, body: Data()), fd, close: true) }
                guard readMore(fd, into: &buffer) else { return }
                continue
            }
            let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
            guard var request = Self.parseHead(head) else {
                return write(HTTPReply(status: 400, body: Data("malformed request head".utf8)), fd, close: true)
            }
            let closeAfter = Self.wantsClose(request, version: head.split(separator: "\r\n").first ?? "")
            if request.header("transfer-encoding") != nil {
                return write(HTTPReply(status: 411, body: Data("send Content-Length".utf8)), fd, close: true)
            }
            let length = Int(request.header("content-length") ?? "0") ?? -1
            guard length >= 0, length <= Self.maxBody else {
                return write(HTTPReply(status: 413, body: Data()), fd, close: true)
            }
            let bodyStart = headEnd + 4
            if buffer.count < bodyStart + length, request.header("expect")?.lowercased() == "100-continue" {
                guard send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), fd) else { return }
            }
            while buffer.count < bodyStart + length {
                guard readMore(fd, into: &buffer) else { return }
            }
            request.body = Data(buffer[bodyStart..<(bodyStart + length)])
            buffer.removeFirst(bodyStart + length)
            let reply = handler(request)
            if reply == .dropConnection { return }
            write(reply, fd, close: closeAfter)
            if closeAfter { return }
        }
    }

    /// Appends what the peer sent; false at end of stream, on error, or when stopping.
    private func readMore(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopping.load(ordering: .sequentiallyConsistent) {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Self.pollMilliseconds)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            guard ready > 0 else { return false }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        return false
    }

    private func write(_ reply: HTTPReply, _ fd: Int32, close: Bool) {
        var head = "HTTP/1.1 \(reply.status) \(reply.reason)\r\n"
        head += "Content-Type: \(reply.contentType)\r\nContent-Length: \(reply.body.count)\r\n"
        for (name, value) in reply.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n"
        _ = send(Array(head.utf8) + Array(reply.body), fd)
    }

    private func send(_ bytes: [UInt8], _ fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    // MARK: - Parsing

    static func parseHead(_ head: String) -> RecordedHTTPRequest? {
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let target = String(parts[1])
        let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
        var query: [String: String] = [:]
        for item in URLComponents(string: "http://h" + target)?.queryItems ?? [] {
            query[item.name] = item.value ?? ""
        }
        return RecordedHTTPRequest(method: String(parts[0]), path: String(target[..<pathEnd]), query: query,
                                   headers: headers, body: Data())
    }

    private static func wantsClose(_ request: RecordedHTTPRequest, version line: Substring) -> Bool {
        let connection = request.header("connection")?.lowercased() ?? ""
        if connection.contains("close") { return true }
        return line.hasSuffix("HTTP/1.0") && !connection.contains("keep-alive")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
