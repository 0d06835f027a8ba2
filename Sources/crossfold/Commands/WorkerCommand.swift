import ArgumentParser
import Cluster
import Foundation
import Logging
import ServiceLifecycle

/// `crossfold worker --connect tcp://HOST`: trains and predicts folds for a coordinator.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: fetches datasets once per host, trains and predicts the folds a coordinator hands out.",
        discussion: """
            Retries until the coordinator is up (1 s doubling to 32 s). On SIGTERM it hands its folds back \
            to the coordinator and exits within 5 s. Every option can come from its CROSSFOLD_* environment \
            variable; a flag wins.
            """
    )

    @Option(help: "The coordinator: tcp://HOST[:PORT], PORT being its worker port (5556); the data port is PORT+1. Env: CROSSFOLD_COORDINATOR.")
    var connect: String?

    @Option(help: "Folds run at once (default: the number of cores). Env: CROSSFOLD_SLOTS.") var slots: Int?
    @Option(help: "Threads each fold uses at least (default 1); a fold running while other slots are idle borrows their threads. Env: CROSSFOLD_THREADS.") var threads: Int?
    @Option(help: "Dataset cache directory (default ~/.cache/crossfold). Env: CROSSFOLD_CACHE_DIR.") var cacheDir: String?
    @Option(help: "Cache size cap in bytes (default 10 GiB). Env: CROSSFOLD_CACHE_MAX_BYTES.") var cacheMaxBytes: Int?
    @Option(help: "Name in the coordinator's logs (default host-pid). Env: CROSSFOLD_WORKER_NAME.") var name: String?
    @Option(help: "JSON health file rewritten every second, for `crossfold health --worker-file`. Env: CROSSFOLD_HEALTH_FILE.")
    var healthFile: String?
    @Option(help: "Where this worker's data port binds, to serve other workers the dataset chunks it holds: tcp://*:PORT, tcp://*:* for any free port (the default), or none. Env: CROSSFOLD_PEER_BIND.")
    var peerBind: String?
    @Option(help: "HOST or HOST:PORT other workers reach the data port at (default: this host's address toward the coordinator, and the bound port). Env: CROSSFOLD_PEER_ADVERTISE.")
    var peerAdvertise: String?
    @Option(help: "Other workers served chunks at a time (default 4). Env: CROSSFOLD_PEER_UPLOADS.")
    var peerUploads: Int?
    @Flag(help: "Run --model command tasks: a program named by whoever submits the job runs here, as this worker's user. Off by default; allow it only where every client the coordinator admits may run code on this host (docs/SECURITY.md). Env: CROSSFOLD_ALLOW_COMMAND_TASKS=1.")
    var allowCommandTasks = false
    #if DEBUG
    /// Debug builds only, for the verification tests: a lying worker (WorkerCore+DebugLies.swift).
    @Option(help: .hidden) var debugAlterScores: Double = 0
    #else
    var debugAlterScores: Double { 0 }
    #endif
    @OptionGroup var keys: KeysOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingFailures {
            let logger = try logging.bootstrap(to: .standardOutput)
            guard let address = EnvironmentDefaults.string(connect, "CROSSFOLD_COORDINATOR") else {
                throw CommandFailure(.usage, "--connect tcp://HOST[:5556] is required (or set CROSSFOLD_COORDINATOR)")
            }
            let endpoints = try WorkerEndpoints.parse(address)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let slots = try EnvironmentDefaults.int(slots, "CROSSFOLD_SLOTS") ?? cores
            let threads = try EnvironmentDefaults.int(threads, "CROSSFOLD_THREADS") ?? 1
            guard (1...1024).contains(slots), (1...1024).contains(threads) else {
                throw CommandFailure(.usage, "--slots and --threads must be between 1 and 1024")
            }
            let bind = EnvironmentDefaults.string(peerBind, "CROSSFOLD_PEER_BIND") ?? "tcp://*:*"
            guard bind == "none" || bind.hasPrefix("tcp://") else {
                throw CommandFailure(.usage, "--peer-bind takes tcp://*:PORT, tcp://*:* or none, not \"\(bind)\"")
            }
            let uploads = try EnvironmentDefaults.int(peerUploads, "CROSSFOLD_PEER_UPLOADS") ?? 4
            guard (1...1024).contains(uploads) else { throw CommandFailure(.usage, "--peer-uploads must be between 1 and 1024") }
            let home = FileManager.default.homeDirectoryForCurrentUser.path
            let cache = EnvironmentDefaults.string(cacheDir, "CROSSFOLD_CACHE_DIR") ?? "\(home)/.cache/crossfold"
            let worker = try WorkerService(
                controlEndpoint: endpoints.control, dataEndpoint: endpoints.data, slots: slots, threads: threads,
                cacheDirectory: cache,
                cacheMaxBytes: try EnvironmentDefaults.int(cacheMaxBytes, "CROSSFOLD_CACHE_MAX_BYTES") ?? 10 << 30,
                name: EnvironmentDefaults.string(name, "CROSSFOLD_WORKER_NAME"), logger: logger,
                software: Crossfold.software, healthFile: EnvironmentDefaults.string(healthFile, "CROSSFOLD_HEALTH_FILE"),
                keys: try keys.directory?.workerKeys(),
                peerBind: bind == "none" ? nil : bind,
                peerAdvertise: EnvironmentDefaults.string(peerAdvertise, "CROSSFOLD_PEER_ADVERTISE"), maxPeerUploads: uploads,
                allowsCommandTasks: try EnvironmentDefaults.flag(allowCommandTasks, "CROSSFOLD_ALLOW_COMMAND_TASKS"),
                debugAlterScores: debugAlterScores)
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: WorkerDaemon(worker: worker))], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            try await group.run()
            // The worker has said DISCONNECT, closed its sockets and logged its last line, but a
            // fold may still run on a compute thread (it cannot be interrupted). exit() would run
            // OpenBLAS's destructor under it, which nulls the kernel table the fold's next BLAS call
            // jumps through: SIGSEGV (exit 139) instead of 0 after SIGTERM. So end here, without
            // library destructors, once stdio is flushed.
            fflush(nil)
            _exit(0)
        }
    }
}

/// The worker as a `Service`: a graceful shutdown (SIGTERM) becomes `shutdown()`, which hands the
/// worker's folds back to the coordinator before `run()` returns.
struct WorkerDaemon: Service {
    let worker: WorkerService

    func run() async throws {
        await withGracefulShutdownHandler {
            await worker.run()
        } onGracefulShutdown: {
            worker.shutdown()
        }
    }
}
