import Foundation

/// The two coordinator endpoints a worker connects to: control (READY, TASK, RESULT...) and data
/// (dataset chunks). On TCP the data port is the control port + 1 (5556 and 5557 by default);
/// `ipc://` and `inproc://` endpoints (the embedded cluster) are given as a pair.
public struct WorkerEndpoints: Sendable, Equatable {
    public static let defaultControlPort = 5556

    public var control: String
    public var data: String

    public init(control: String, data: String) {
        self.control = control
        self.data = data
    }

    /// Parses `--connect`: `tcp://HOST[:PORT]` (or `HOST[:PORT]`), IPv6 hosts in brackets.
    /// - Throws: `WorkerEndpointError` naming what is wrong and the accepted form.
    public static func parse(_ text: String) throws(WorkerEndpointError) -> WorkerEndpoints {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let scheme = rest.range(of: "://") {
            guard rest[..<scheme.lowerBound] == "tcp" else {
                throw WorkerEndpointError(text, "only tcp:// is accepted here; ipc:// and inproc:// endpoints are given as a control and data pair")
            }
            rest = rest[scheme.upperBound...]
        }
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw WorkerEndpointError(text, "an IPv6 host needs its closing ]") }
            host = rest[...close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw WorkerEndpointError(text, "expected :PORT after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, host != "*", !host.contains("/") else {
            throw WorkerEndpointError(text, "name the coordinator's host (a name or an address)")
        }
        var port = defaultControlPort
        if let portText {
            guard let value = Int(portText), (1...65534).contains(value) else {
                throw WorkerEndpointError(text, "the port must be a number from 1 to 65534 (the data port is the next one)")
            }
            port = value
        }
        return WorkerEndpoints(control: "tcp://\(host):\(port)", data: "tcp://\(host):\(port + 1)")
    }
}

/// A `--connect` value that is not `tcp://HOST[:PORT]`.
public struct WorkerEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let message: String

    init(_ text: String, _ message: String) {
        self.text = text
        self.message = message
    }

    public var description: String {
        "invalid coordinator address \"\(text)\": \(message); use tcp://HOST[:PORT] (default port \(WorkerEndpoints.defaultControlPort))"
    }
}
