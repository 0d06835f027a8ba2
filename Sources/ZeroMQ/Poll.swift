import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// What a poll item waits for, or what it found.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message (or, for a file descriptor, data) can be read without blocking.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// An error condition on a raw file descriptor (never set for ZeroMQ sockets).
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}

/// One thing to wait on in `poll`: a ZeroMQ socket or a raw file descriptor (an eventfd, a pipe).
public struct PollItem {
    /// What the item watches.
    public enum Target {
        case socket(Socket)
        case fileDescriptor(Int32)
    }

    public var target: Target
    public var events: PollEvents

    public init(_ target: Target, events: PollEvents = .readable) {
        self.target = target
        self.events = events
    }

    /// Waits on `socket` for `events`.
    public static func socket(_ socket: Socket, _ events: PollEvents = .readable) -> PollItem {
        PollItem(.socket(socket), events: events)
    }

    /// Waits on a raw file descriptor for `events`.
    public static func fileDescriptor(_ descriptor: Int32, _ events: PollEvents = .readable) -> PollItem {
        PollItem(.fileDescriptor(descriptor), events: events)
    }
}

/// Waits until one of `items` is ready or `timeout` passes (`zmq_poll`); `nil` waits forever,
/// `.zero` only checks. ZeroMQ sockets report readiness by whole messages, level-triggered.
/// A signal interrupting the wait resumes it for the time that is left.
/// - Returns: the events found, one entry per item in order (empty for an item not ready).
/// - Throws: `ZeroMQError` `ENOTSOCK` for a closed socket, `ETERM` when a socket's context is
///   shutting down.
public func poll(_ items: [PollItem], timeout: Duration?) throws(ZeroMQError) -> [PollEvents] {
    var raw: [zmq_pollitem_t] = []
    raw.reserveCapacity(items.count)
    for item in items {
        switch item.target {
        case .socket(let socket):
            raw.append(zmq_pollitem_t(socket: try socket.open("zmq_poll"), fd: -1, events: item.events.rawValue, revents: 0))
        case .fileDescriptor(let descriptor):
            raw.append(zmq_pollitem_t(socket: nil, fd: descriptor, events: item.events.rawValue, revents: 0))
        }
    }
    let clock = ContinuousClock()
    let deadline = timeout.map { clock.now + $0 }
    while true {
        // zmq_poll takes milliseconds as a C long; -1 is forever.
        let milliseconds = deadline.map { max(0, (clock.now.duration(to: $0)).millisecondsRoundingUp) } ?? -1
        let count = raw.withUnsafeMutableBufferPointer { buffer in
            zmq_poll(buffer.baseAddress, Int32(buffer.count), Int(milliseconds))
        }
        if count >= 0 { break }
        let code = zmq_errno()
        // Not LibZMQ.attempt: an interrupted poll resumes with the remaining time, not the whole.
        if code == EINTR { continue }
        throw ZeroMQError(code: code, function: "zmq_poll", detail: "\(items.count) item(s)")
    }
    return raw.map { PollEvents(rawValue: $0.revents) }
}
