import Datasets
import Foundation
import Learners
import Logging
import ZeroMQ

/// A coordinator and workers inside this process, reached by the same client, over the same
/// sockets (ipc:// in a private directory) and the same code as a real cluster: what
/// `crossfold evaluate` runs when no `--coordinator` is given. Datasets registered here are shared
/// in memory with the workers, so nothing is copied through a socket.
public final class EmbeddedCluster: Sendable {
    public let client: ClusterClient
    let coordinator: CoordinatorServer
    /// The datasets this cluster's workers take without fetching.
    let shared: SharedDatasets

    init(client: ClusterClient, coordinator: CoordinatorServer, shared: SharedDatasets) {
        self.client = client
        self.coordinator = coordinator
        self.shared = shared
    }

    /// Makes a dataset known to the coordinator and to this cluster's workers, which all use its
    /// one mapping.
    public func register(_ file: DatasetFile) {
        coordinator.registry.register(hash: file.sha256, buffer: PinnedBuffer(mapping: file.canonical), dataset: file.dataset)
        shared.register(hash: file.sha256, dataset: file.dataset)
    }

    /// Starts the cluster with `workers` single-slot workers, runs `body` with it, and stops
    /// everything (workers say goodbye, sockets close, the directory goes) whether `body` returns
    /// or throws.
    public static func run<T: Sendable>(
        workers: Int, software: String, logger: Logger, _ body: @Sendable (EmbeddedCluster) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crossfold-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        // 0700: the ipc sockets inside carry no CURVE, so only this user may reach them.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoints = CoordinatorEndpoints(
            client: "ipc://\(directory.path)/client", worker: "ipc://\(directory.path)/worker",
            data: "ipc://\(directory.path)/data")

        // The embedded daemons speak up only for warnings, unless the user asked for debugging.
        var quiet = logger
        if quiet.logLevel > .debug { quiet.logLevel = max(quiet.logLevel, .warning) }

        let coordinator = try CoordinatorServer(endpoints: endpoints, software: software, logger: quiet)
        _ = try await coordinator.listen()
        let shared = SharedDatasets()
        // One slot and one thread each, and the idle ones' threads lent to the folds still running.
        let foldThreads = FoldThreads(cores: max(1, workers))
        // One pass of per-fold sums for all the workers' folds.
        let foldSums = PartitionStatisticsMemo()
        let services = try (0..<max(1, workers)).map { index in
            try WorkerService(
                controlEndpoint: endpoints.worker, dataEndpoint: endpoints.data, slots: 1, threads: 1,
                cacheDirectory: nil, name: "local-\(index + 1)", logger: quiet, software: software,
                sharedDatasets: shared, coordinatorInProcess: true, foldThreads: foldThreads,
                foldSums: foldSums,
                // The user runs their own program on their own machine: nobody else submits here.
                allowsCommandTasks: true)
        }
        let client = try ClusterClient(endpoint: endpoints.client, logger: quiet)
        let cluster = EmbeddedCluster(client: client, coordinator: coordinator, shared: shared)

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await coordinator.run() }
            for service in services { group.addTask { await service.run() } }
            let outcome: Result<T, any Error>
            do {
                try await client.connect()
                outcome = .success(try await body(cluster))
            } catch {
                outcome = .failure(error)
            }
            await client.close()
            coordinator.expectWorkersLeaving()
            for service in services { service.shutdown() }
            // Workers first, so their goodbyes reach a coordinator that still listens.
            try? await Task.sleep(for: .milliseconds(50))
            coordinator.shutdown()
            try await group.waitForAll()
            return try outcome.get()
        }
    }
}
