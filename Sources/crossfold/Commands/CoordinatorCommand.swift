import ArgumentParser
import Cluster
import Foundation
import Logging
import ServiceLifecycle
import ZeroMQ

/// `crossfold coordinator`: the long-running process workers and clients connect to.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a coordinator: accepts jobs from clients and hands their folds to workers.",
        discussion: "Stops cleanly on SIGTERM or SIGINT. Every option can come from its CROSSFOLD_* environment variable; a flag wins."
    )

    @Option(help: "Client socket (submissions, status, results), tcp://HOST:PORT, ipc://PATH or inproc://NAME (default: tcp://*:5555, every interface). Env: CROSSFOLD_CLIENT_BIND.")
    var clientBind: String?
    @Option(help: "Worker control socket (default: tcp://*:5556); workers find the data socket at this port + 1. Env: CROSSFOLD_WORKER_BIND.")
    var workerBind: String?
    @Option(help: "Dataset transfer socket (default: tcp://*:5557). Env: CROSSFOLD_DATA_BIND.") var dataBind: String?
    @Option(help: "Directory keeping jobs, results and datasets across restarts (default: memory only, lost on exit). Env: CROSSFOLD_STATE_DIR.")
    var stateDir: String?
    @Option(help: "Without --state-dir: where uploads and finished jobs' predictions are spooled, in files unlinked at once (default: $TMPDIR or /tmp). Env: CROSSFOLD_SPOOL_DIR.")
    var spoolDir: String?
    @OptionGroup var keys: KeysOptions
    @Option(name: .customLong("admin-key"), help: ArgumentHelp(
        "With --keys: a clients.allow NAME whose key may see, read and cancel every client's jobs (repeatable; the coordinator's own key always may). Env: CROSSFOLD_ADMIN_KEYS, names separated by commas.",
        valueName: "name"))
    var adminKeys: [String] = []
    @Option(help: ArgumentHelp(
        "Compute this fraction of every job's tasks (0-1; at least one per worker that contributed) a second time on another worker and compare bit for bit, unless the job says otherwise with --verify (default: 0, none). Env: CROSSFOLD_VERIFY.",
        valueName: "fraction"))
    var verify: Double?
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let verify, !(0...1).contains(verify) {
            throw ValidationError("--verify \(verify) is not a fraction between 0 and 1 (0.1 recomputes a tenth of every job's tasks)")
        }
        if !adminKeys.isEmpty, keys.directory == nil {
            throw ValidationError("--admin-key needs --keys: without keys no client is authenticated, so every client sees every job")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardOutput)
            let binds = bindFlags()
            for (flag, endpoint) in binds { try BindEndpoint.check(endpoint, flag: flag) }
            let endpoints = CoordinatorEndpoints(client: binds[0].endpoint, worker: binds[1].endpoint, data: binds[2].endpoint)
            let coordinatorKeys = try keys.directory?.coordinatorKeys()
            let admins = EnvironmentDefaults.list(adminKeys, "CROSSFOLD_ADMIN_KEYS")
            let access = try coordinatorKeys.map { keys throws(KeyFileError) in
                try keys.clientAccess(admins: admins, allowlistPath: "\(self.keys.directory?.path ?? "")/\(KeyDirectory.clientsAllowlist)")
            }
            if let coordinatorKeys {
                logger.info("CURVE on: only allowlisted keys get in", metadata: [
                    "keys": "\(keys.directory?.path ?? "")", "public_key": "\(coordinatorKeys.keyPair.publicKey)",
                    "workers_allowed": "\(coordinatorKeys.workers.entries.count)",
                    "clients_allowed": "\(coordinatorKeys.clients.entries.count)",
                    "admins": "\((access?.admins ?? []).sorted().joined(separator: ","))",
                ])
            }
            let store = try openStore(logger: logger)
            var configuration = SchedulerConfiguration()
            configuration.verify = try verifyDefault()
            let server = try CoordinatorServer(
                endpoints: endpoints, store: store, configuration: configuration, keys: coordinatorKeys, access: access, software: Crossfold.software, logger: logger)
            let bound: CoordinatorEndpoints
            do {
                bound = try await server.listen()
            } catch let error as ZeroMQError {
                throw BindEndpoint.explain(error, flags: binds) ?? error
            }
            if store is InMemoryJobStore {
                logger.warning("no --state-dir: jobs and results are kept in memory and lost when the coordinator stops")
            }
            logger.info("coordinator listening", metadata: [
                "client": "\(bound.client)", "worker": "\(bound.worker)", "data": "\(bound.data)",
                "software": "\(Crossfold.software)",
                "memory_gib": "\(String(format: "%.1f", Double(server.memoryBytes) / Double(1 << 30)))",
            ])
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                                     logger: logger))
            try await group.run()
            logger.info("coordinator stopped")
        }
    }

    /// Each bind option with where its value came from (the flag, its environment variable, or
    /// the default), in the order client, worker, data.
    private func bindFlags() -> [(flag: String, endpoint: String)] {
        let defaults = CoordinatorEndpoints.defaultTCP
        return [("--client-bind", clientBind, "CROSSFOLD_CLIENT_BIND", defaults.client),
                ("--worker-bind", workerBind, "CROSSFOLD_WORKER_BIND", defaults.worker),
                ("--data-bind", dataBind, "CROSSFOLD_DATA_BIND", defaults.data)].map { flag, given, variable, fallback in
            if let given { return (flag, given) }
            if let fromEnvironment = EnvironmentDefaults.string(nil, variable) { return (variable, fromEnvironment) }
            return (flag, fallback)
        }
    }

    /// `--verify`, else `CROSSFOLD_VERIFY` (a usage error when it is no fraction), else 0.
    private func verifyDefault() throws -> Double {
        try EnvironmentDefaults.fraction(verify, "CROSSFOLD_VERIFY") ?? 0
    }

    /// The job store: a directory when one is given (exit 73 when it cannot be used), else memory.
    private func openStore(logger: Logger) throws -> any JobStore {
        guard let directory = EnvironmentDefaults.string(stateDir, "CROSSFOLD_STATE_DIR") else {
            return InMemoryJobStore(spoolDirectory: EnvironmentDefaults.string(spoolDir, "CROSSFOLD_SPOOL_DIR"))
        }
        do {
            return try DirectoryJobStore(directory: directory, logger: logger)
        } catch {
            throw CommandFailure(.cannotWrite, "cannot use the state dir: \(error.message)")
        }
    }
}
