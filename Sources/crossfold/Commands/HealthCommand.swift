import ArgumentParser
import Cluster
import Foundation
import Logging

/// `crossfold health`: for container health checks and probes.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 when a coordinator answers, or when a worker's health file is fresh and connected; 1 otherwise."
    )

    @Option(help: "Ask this coordinator client endpoint (tcp://HOST:5555) for INFO.") var coordinator: String?
    @Option(help: "A worker's --health-file.") var workerFile: String?
    @Option(help: "Seconds after which a worker's health file counts as stale.") var maxAge: Double = 10
    @OptionGroup var keys: KeysOptions

    func validate() throws {
        guard (coordinator == nil) != (workerFile == nil) else {
            throw ValidationError("give exactly one of --coordinator or --worker-file")
        }
    }

    func run() async throws {
        let healthy: Bool
        if let coordinator {
            let clientKeys: PeerKeys?
            do {
                clientKeys = try keys.clientKeys()
            } catch {
                Terminal.standardError("cannot use --keys: \(error)\n")
                throw ExitCode(ExitStatus.unhealthy.rawValue)
            }
            healthy = await Self.coordinatorAnswers(ClientOptions.withDefaultPort(coordinator, 5555), keys: clientKeys)
        } else if let workerFile {
            healthy = Self.workerIsHealthy(file: workerFile, maxAge: maxAge)
        } else {
            healthy = false
        }
        if !healthy { throw ExitCode(ExitStatus.unhealthy.rawValue) }
    }

    static func coordinatorAnswers(_ endpoint: String, keys: PeerKeys?) async -> Bool {
        var logger = Logger(label: "crossfold.health")
        logger.logLevel = .critical
        guard let client = try? ClusterClient(endpoint: endpoint, timeout: .seconds(2), attempts: 1, keys: keys, logger: logger) else {
            return false
        }
        do {
            try await client.connect()
            let info = try await client.info()
            let memory = info.memoryBytes.map { "; it may use \(JobLimits.size($0)) of memory, its jobs half of it" } ?? ""
            Terminal.standardOutput(
                "coordinator \(info.software): \(info.workers) workers, \(info.slots) slots, \(info.jobs) running jobs\(memory)\n")
            if let quarantined = info.quarantined {
                Terminal.standardOutput("quarantined by verification (no more tasks): \(quarantined.joined(separator: ", "))\n")
            }
            await client.close()
            return true
        } catch {
            Terminal.standardError("coordinator at \(endpoint) does not answer: \(error)\n")
            await client.close()
            return false
        }
    }

    struct WorkerHealth: Decodable {
        var connected: Bool
        var updated: Double
    }

    static func workerIsHealthy(file: String, maxAge: Double) -> Bool {
        guard let data = FileManager.default.contents(atPath: file),
              let health = try? JSONDecoder().decode(WorkerHealth.self, from: data)
        else {
            Terminal.standardError("no readable worker health file at \(file)\n")
            return false
        }
        let age = Date().timeIntervalSince1970 - health.updated
        guard age <= maxAge else {
            Terminal.standardError("worker health file is \(Int(age)) s old: the worker is stuck or gone\n")
            return false
        }
        guard health.connected else {
            Terminal.standardError("worker is not connected to its coordinator\n")
            return false
        }
        return true
    }
}
