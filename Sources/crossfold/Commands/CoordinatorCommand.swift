import ArgumentParser
import Cluster
import Logging
import ServiceLifecycle

/// `crossfold coordinator`: the long-running process workers and clients connect to.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a coordinator: accepts jobs from clients and hands their folds to workers.",
        discussion: "Stops cleanly on SIGTERM or SIGINT. Every option can come from its CROSSFOLD_* environment variable; a flag wins."
    )

    @Option(help: "Client socket (submissions, status, results). Env: CROSSFOLD_CLIENT_BIND.") var clientBind: String?
    @Option(help: "Worker control socket. Env: CROSSFOLD_WORKER_BIND.") var workerBind: String?
    @Option(help: "Dataset transfer socket. Env: CROSSFOLD_DATA_BIND.") var dataBind: String?
    @Option(help: "Directory keeping jobs, results and datasets across restarts (default: memory only, lost on exit). Env: CROSSFOLD_STATE_DIR.")
    var stateDir: String?
    @OptionGroup var keys: KeysOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardOutput)
            let defaults = CoordinatorEndpoints.defaultTCP
            let endpoints = CoordinatorEndpoints(
                client: EnvironmentDefaults.string(clientBind, "CROSSFOLD_CLIENT_BIND") ?? defaults.client,
                worker: EnvironmentDefaults.string(workerBind, "CROSSFOLD_WORKER_BIND") ?? defaults.worker,
                data: EnvironmentDefaults.string(dataBind, "CROSSFOLD_DATA_BIND") ?? defaults.data)
            let coordinatorKeys = try keys.directory?.coordinatorKeys()
            if let coordinatorKeys {
                logger.info("CURVE on: only allowlisted keys get in", metadata: [
                    "keys": "\(keys.directory?.path ?? "")", "public_key": "\(coordinatorKeys.keyPair.publicKey)",
                    "workers_allowed": "\(coordinatorKeys.workers.entries.count)",
                    "clients_allowed": "\(coordinatorKeys.clients.entries.count)",
                ])
            }
            let store = try openStore(logger: logger)
            let server = try CoordinatorServer(
                endpoints: endpoints, store: store, keys: coordinatorKeys, software: Crossfold.software, logger: logger)
            let bound = try await server.listen()
            logger.info("coordinator listening", metadata: [
                "client": "\(bound.client)", "worker": "\(bound.worker)", "data": "\(bound.data)",
                "software": "\(Crossfold.software)",
            ])
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                                     logger: logger))
            try await group.run()
            logger.info("coordinator stopped")
        }
    }

    /// The job store: a directory when one is given (exit 73 when it cannot be used), else memory.
    private func openStore(logger: Logger) throws -> any JobStore {
        guard let directory = EnvironmentDefaults.string(stateDir, "CROSSFOLD_STATE_DIR") else {
            logger.warning("no --state-dir: jobs and results are kept in memory and lost when the coordinator stops")
            return InMemoryJobStore()
        }
        do {
            return try DirectoryJobStore(directory: directory, logger: logger)
        } catch {
            throw CommandFailure(.cannotWrite, "cannot use the state dir: \(error.message)")
        }
    }
}
