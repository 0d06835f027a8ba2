import ArgumentParser
import Cluster
import Logging

/// `--coordinator` and `--keys`: the coordinator's client endpoint and this client's CURVE keys,
/// for the job commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "The coordinator's client endpoint, tcp://HOST[:PORT] (port 5555 by default). Env: CROSSFOLD_COORDINATOR_CLIENT.")
    var coordinator: String?

    @Option(help: "Seconds to wait for each reply before resending (4 attempts).")
    var replyTimeout: Int = 3

    @OptionGroup var keys: KeysOptions

    func endpoint() throws -> String {
        guard let given = EnvironmentDefaults.string(coordinator, "CROSSFOLD_COORDINATOR_CLIENT") else {
            throw CommandFailure(.usage, "--coordinator tcp://HOST:5555 is required (or set CROSSFOLD_COORDINATOR_CLIENT)")
        }
        return try Self.checked(Self.withDefaultPort(given, 5555))
    }

    /// Refuses an endpoint libzmq cannot connect to, as a usage error (64) rather than a
    /// connection failure (69).
    static func checked(_ endpoint: String) throws -> String {
        let valid: Bool
        if endpoint.hasPrefix("tcp://") {
            let rest = endpoint.dropFirst("tcp://".count)
            let port = rest.split(separator: ":").last.flatMap { Int($0) }
            valid = rest.contains(":") && !rest.hasPrefix(":") && (port.map { (1...65535).contains($0) } ?? false)
        } else {
            valid = (endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://")) && endpoint.count > 7
        }
        guard valid else {
            throw CommandFailure(.usage, "\(endpoint) is not a coordinator endpoint; use tcp://HOST[:PORT]")
        }
        return endpoint
    }

    /// `tcp://host` → `tcp://host:PORT`; other endpoints unchanged.
    static func withDefaultPort(_ endpoint: String, _ port: Int) -> String {
        guard endpoint.hasPrefix("tcp://") else { return endpoint }
        let rest = endpoint.dropFirst("tcp://".count)
        let hasPort = rest.hasPrefix("[") ? rest.contains("]:") : rest.contains(":")
        return hasPort ? endpoint : "\(endpoint):\(port)"
    }

    /// Connects, runs `body`, and closes the connection whatever happens.
    func withClient<T: Sendable>(logger: Logger, _ body: (ClusterClient) async throws -> T) async throws -> T {
        let client = try ClusterClient(
            endpoint: try endpoint(), timeout: .seconds(replyTimeout), keys: try keys.clientKeys(), logger: logger)
        try await client.connect()
        do {
            let value = try await body(client)
            await client.close()
            return value
        } catch {
            await client.close()
            throw error
        }
    }
}
