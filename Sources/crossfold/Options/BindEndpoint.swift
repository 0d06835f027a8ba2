import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The coordinator's `--client-bind`, `--worker-bind` and `--data-bind` values: checked before
/// anything starts (a malformed one is a usage error, not a libzmq failure after the warnings),
/// and a bind that fails explained (a port in use, an address not on this host).
enum BindEndpoint {
    /// Refuses anything but `tcp://HOST:PORT` (HOST `*` for every interface, PORT `*` for any),
    /// `ipc://PATH` and `inproc://NAME`.
    ///
    /// - Parameter flag: the option (or environment variable) the value came from.
    static func check(_ endpoint: String, flag: String) throws {
        let usage = "use tcp://HOST:PORT (e.g. tcp://*:5555 for every interface), ipc://PATH or inproc://NAME"
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") {
            guard !endpoint.hasSuffix("://") else { throw CommandFailure(.usage, "\(flag) \(endpoint) has no name; \(usage)") }
            return
        }
        guard endpoint.hasPrefix("tcp://") else {
            throw CommandFailure(.usage, "\(flag) \(endpoint) is not an endpoint; \(usage)")
        }
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex else {
            throw CommandFailure(.usage, "\(flag) \(endpoint) needs a host and a port; \(usage)")
        }
        let port = rest[rest.index(after: colon)...]
        guard port == "*" || Int(port).map({ (1...65535).contains($0) }) == true else {
            throw CommandFailure(.usage, "\(flag) \(endpoint): the port must be a number from 1 to 65535 (or * for any); \(usage)")
        }
    }

    /// A failed `zmq_bind` in words, naming the option: what holds the address and what to do.
    static func explain(_ error: ZeroMQError, flags: [(flag: String, endpoint: String)]) -> CommandFailure? {
        guard error.function == "zmq_bind" else { return nil }
        let flag = flags.first { $0.endpoint == error.detail }
        let subject = "cannot listen on \(error.detail ?? "the endpoint")" + (flag.map { " (\($0.flag))" } ?? "")
        let advice: String
        switch error.code {
        case EADDRINUSE:
            advice = "the port is in use (another coordinator?); stop that process or choose another port"
        case EADDRNOTAVAIL:
            advice = "no interface of this host has that address; use * for every interface or one of this host's addresses"
        case EACCES:
            advice = "permission denied; ports below 1024 need root"
        case ENODEV, EINVAL:
            advice = "libzmq cannot use this endpoint (\(error.reason)); check the host name or interface"
        default:
            advice = error.reason
        }
        return CommandFailure(.unavailable, "\(subject): \(advice)")
    }
}
