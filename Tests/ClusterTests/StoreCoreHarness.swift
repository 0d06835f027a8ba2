import Cluster
import Datasets
import Foundation
import TestSupport
import Wire

/// A `CoordinatorCore` over a given job store, driven without sockets and with a mock clock, for
/// the tests of what the coordinator does when its store fails or it restarts.
final class StoreCoreHarness {
    let store: any JobStore
    let registry: DatasetRegistry
    var core: CoordinatorCore
    let effects: InlineEffects
    var clock: Duration = .zero
    let client = PeerID([0, 0, 0, 1])
    let worker = PeerID([0, 0, 0, 9])
    let dataset: Dataset
    let hash: String
    let bytes: [UInt8]

    /// - Parameter registerDataset: false to leave the dataset out of the registry, as after a
    ///   restart, so it must come back from the store.
    /// - Parameter access: the client access rule of a coordinator with keys (nil: without keys).
    init(store: any JobStore, registerDataset: Bool = true, access: ClientAccess? = nil) {
        self.store = store
        registry = DatasetRegistry()
        core = CoordinatorCore(store: store, registry: registry, software: "test", access: access)
        effects = InlineEffects(store: store, registry: registry)
        dataset = GaussianClusters.make(rows: 60, features: 4, concepts: 3)
        bytes = CanonicalDataset.encode(dataset)
        hash = SHA256Hasher.hash(bytes)
        if registerDataset { registry.register(hash: hash, bytes: bytes, dataset: dataset) }
    }

    /// Handles `input` and carries out what it leads to, as the shell would.
    func send(_ input: CoordinatorInput) -> [CoordinatorOutput] { effects.handle(input, on: &core, now: clock) }

    /// Resumes the store's unfinished jobs, as a restarted coordinator does before its loop.
    func resume() -> [CoordinatorOutput] {
        effects.perform(core.resumeUnfinishedJobs(), on: &core, now: clock)
    }

    func spec(folds: Int = 3) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: folds, repeats: 1, seed: 7,
                model: "centroid", params: [:], threshold: 0.5)
    }

    func ready(slots: Int = 3) -> [CoordinatorOutput] {
        send(.worker(worker, .ready(.init(name: "w", slots: slots, threads: 1, cached: [], software: "test")), identity: nil))
    }

    func submit(_ request: String = "r1", folds: Int = 3) -> [CoordinatorOutput] {
        send(.client(client, .submit(request: request, spec: spec(folds: folds))))
    }

    /// The worker's result for an assigned task: every score `value`.
    func result(for task: TaskAssignment, rows: Int, value: Float = 0.5) -> [CoordinatorOutput] {
        let header = WorkerMessage.TaskResult(
            job: task.job, task: task.task, attempt: task.attempt, rows: rows, concepts: 3, seconds: 0.25)
        return send(.worker(worker, .result(header, scores: [Float](repeating: value, count: rows * 3)), identity: nil))
    }

    /// Runs the metrics computations the outputs ask for and feeds them back, when the harness
    /// defers them (`effects.deferred`); otherwise they ran already.
    func computeMetrics(in outputs: [CoordinatorOutput]) -> [CoordinatorOutput] {
        guard effects.deferred.contains(.computeMetrics) else { return [] }
        var more: [CoordinatorOutput] = []
        for case .computeMetrics(let request) in outputs {
            more += send(.metricsComputed(job: request.id, JobMetrics.compute(request, store: store, software: "test")))
        }
        return more
    }

    func status(_ job: String) -> JobStatus? {
        for case .status(_, let status) in Self.replies(send(.client(client, .status(request: "s", job: job)))) { return status }
        return nil
    }

    static func replies(_ outputs: [CoordinatorOutput]) -> [ClientReply] {
        outputs.compactMap { if case .toClient(_, let reply) = $0 { reply } else { nil } }
    }

    static func tasks(_ outputs: [CoordinatorOutput]) -> [(task: TaskAssignment, rows: Int)] {
        outputs.compactMap { output in
            if case .toWorker(_, .task(let task, let rows)) = output { (task, rows.count) } else { nil }
        }
    }

    static func error(_ outputs: [CoordinatorOutput]) -> ErrorReply? {
        for case .error(let reply) in replies(outputs) { return reply }
        return nil
    }

    static func submitted(_ outputs: [CoordinatorOutput]) -> String? {
        for case .submitted(_, let job) in replies(outputs) { return job }
        return nil
    }

    static func logs(_ outputs: [CoordinatorOutput]) -> [String] {
        outputs.compactMap { if case .log(_, let message, _) = $0 { message.description } else { nil } }
    }
}
