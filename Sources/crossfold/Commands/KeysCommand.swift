import ArgumentParser
import Cluster

/// `crossfold keys generate DIR`: CURVE key pairs and allowlists for a secured cluster.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create the CURVE keys that secure a cluster.",
        subcommands: [Generate.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a coordinator, worker and client key pair, each role in a folder of its own, and the coordinator's allowlists.",
            discussion: """
                DIR/coordinator holds the coordinator's secret key and workers.allow and clients.allow; \
                DIR/worker-N and DIR/client-N each hold the coordinator's public key and one key pair. \
                Hand each host only its own folder and point --keys (or CROSSFOLD_KEYS) at it. Folders \
                are 0700, files 0600. See docs/SECURITY.md.
                """
        )

        @Argument(help: "The directory to write the role folders in (created if missing).") var directory: String
        @Option(help: "Worker key pairs to create, named worker-1...worker-N.") var workers: Int = 1
        @Option(help: "Client key pairs to create, named client-1...client-N.") var clients: Int = 1
        @Flag(help: "Replace keys that exist already (every host then needs its new folder).") var force = false

        func validate() throws {
            guard (1...1000).contains(workers), (1...1000).contains(clients) else {
                throw ValidationError("--workers and --clients must be between 1 and 1000")
            }
        }

        func run() async throws {
            try await reportingFailures {
                // This process opens no ZeroMQ context: libzmq#4241 (docs/SECURITY.md).
                let summary = try KeyGeneration.generate(in: directory, workers: workers, clients: clients, force: force)
                var lines = ["wrote CURVE keys (folders 0700, files 0600); give each host only its own folder:"]
                for folder in summary.folders {
                    let use = switch folder.name {
                    case "coordinator": "the coordinator: crossfold coordinator --keys \(folder.path)"
                    case let name where name.hasPrefix("worker-"): "a worker: crossfold worker --connect ... --keys \(folder.path)"
                    default: "a client: crossfold submit|jobs|status|watch|cancel|results ... --keys \(folder.path)"
                    }
                    lines.append("  \(folder.path.padding(max(24, folder.path.count + 2)))\(use)")
                }
                lines.append("coordinator public key: \(summary.coordinator.z85)")
                Terminal.standardOutput(lines.joined(separator: "\n") + "\n")
            }
        }
    }
}
