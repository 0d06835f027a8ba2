import ArgumentParser
import Cluster
import Logging

/// `--coordinator`: the coordinator's client endpoint, for the job commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "The coordinator's client endpoint, tcp://HOST[:PORT] (port 5555 by default). Env: CROSSFOLD_COORDINATOR_CLIENT.")
    var coordinator: String?

    @Option(help: "Seconds to wait for each reply before resending (4 attempts).")
    var replyTimeout: Int = 3

    func endpoint() throws -> String {
        guard let given = EnvironmentDefaults.string(coordinator, "CROSSFOLD_COORDINATOR_CLIENT") else {
            throw CommandFailure(ExitStatus.usage, "--coordinator tcp://HOST:5555 is required (or set CROSSFOLD_COORDINATOR_CLIENT)")
        }
        return Self.withDefaultPort(given, 5555)
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
        let client = try ClusterClient(endpoint: try endpoint(), timeout: .seconds(replyTimeout), logger: logger)
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
