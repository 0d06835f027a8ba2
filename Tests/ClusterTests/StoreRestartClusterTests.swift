import Cluster
import Datasets
import Foundation
import Logging
import Testing
import TestSupport
import Wire
import ZeroMQ

/// A coordinator on a state dir, dropped in the middle of a job without a goodbye and started
/// again on the same directory and endpoints: the workers and the client find it by themselves,
/// the job resumes without recomputing a stored fold and ends with the metrics of an
/// uninterrupted run.
@Suite(.serialized) struct StoreRestartClusterTests {
    /// Slow enough folds (hundreds of milliseconds each in a debug build) that the job is still
    /// running when the coordinator is dropped.
    static func spec(hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: 10, repeats: 1, seed: 29,
                model: "logistic", params: ["C": "1000", "tol": "1e-12", "max_iter": "400"], threshold: 0.5)
    }

    @Test(.timeLimit(.minutes(10)))
    func aCoordinatorDroppedMidJobResumesFromItsStateDirWithIdenticalMetrics() async throws {
        let dataset = GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5)
        try await RestartDrill.run(dataset, label: "restart", tasks: 10, spec: Self.spec) { drill in
            #expect(MetricsProvenance.hasProvenance(drill.resumed.metricsJSON))
            let resumed = try MetricsProvenance.withoutProvenance(drill.resumed.metricsJSON)
            #expect(resumed == (try MetricsProvenance.withoutProvenance(drill.reference.metricsJSON)))
            #expect(drill.resumed.predictions.map(\.scores) == drill.reference.predictions.map(\.scores))
            print("measurement: in-process restart: \(drill.storedBefore.count)/10 folds stored at the drop; "
                  + "restart to first task \(String(format: "%.2f", drill.resumeSeconds)) s; restart to completion "
                  + "\(String(format: "%.2f", drill.completedSeconds)) s; tasks run after the restart: \(drill.startedAfter.sorted())")
        }
    }
}

extension CoordinatorEndpoints {
    static let loopbackEphemeral = CoordinatorEndpoints(
        client: "tcp://127.0.0.1:*", worker: "tcp://127.0.0.1:*", data: "tcp://127.0.0.1:*")
}

/// A `CoordinatorServer` over a `DirectoryJobStore`, that can be dropped as a killed process is:
/// its event loop stops between two inputs, nothing more is sent, the sockets close at once and
/// the state dir's lock is released.
struct RestartableCoordinator {
    let server: CoordinatorServer
    let store: DirectoryJobStore
    let endpoints: CoordinatorEndpoints
    let task: Task<Void, Never>

    static func start(stateDir: String, endpoints: CoordinatorEndpoints, logs: WorkerLogCapture, label: String) async throws
        -> RestartableCoordinator {
        let store = try DirectoryJobStore(directory: stateDir, logger: logs.logger(label))
        let server = try CoordinatorServer(endpoints: endpoints, store: store, software: "crossfold-test", logger: logs.logger(label))
        let bound = try await server.listen()
        return RestartableCoordinator(server: server, store: store, endpoints: bound, task: Task { try? await server.run() })
    }

    func drop() async {
        task.cancel()
        await task.value
        store.close()
    }

    /// The bytes of each stored result file of `job`, by task.
    static func resultFiles(_ stateDir: String, job: String) -> [Int: [UInt8]] {
        let folder = "\(stateDir)/jobs/\(job)/results"
        var files: [Int: [UInt8]] = [:]
        for name in WorkerFixtures.files(in: folder) where name.hasSuffix(".bin") {
            if let task = Int(name.dropLast(4)), let bytes = StoreFixtures.bytes("\(folder)/\(name)") { files[task] = bytes }
        }
        return files
    }
}
