import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// Inputs the fuzz tests found breaking the coordinator, each pinned down on its own.
@Suite struct FuzzRegressionTests {
    static func core() throws -> (CoordinatorCore, String) {
        let iris = try WorkerExamples.iris()
        let registry = DatasetRegistry()
        registry.register(hash: iris.hash, bytes: iris.bytes, dataset: iris.dataset)
        return (CoordinatorCore(store: InMemoryJobStore(), registry: registry, software: "fuzz"), iris.hash)
    }

    static func refusal(_ outputs: [CoordinatorOutput]) -> ErrorReply? {
        outputs.lazy.compactMap { if case .toClient(_, .error(let reply)) = $0 { reply } else { nil } }.first
    }

    /// SUBMIT with repeats of a million stalled the event loop building a 150-million-entry plan;
    /// a billion would have exhausted memory. Such specs are refused before any plan is built.
    @Test(.timeLimit(.minutes(1)), arguments: [
        (5, 1_000_000), (5, 1_000_000_000), (2, Int.max), (Int.max, 2), (3, 5_000), (2, 1_789_570),
    ])
    func submissionsTooLargeToPlanAreRefusedAtOnce(folds: Int, repeats: Int) throws {
        let (core, hash) = try Self.core()
        let spec = JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: folds, repeats: repeats,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let clock = ContinuousClock()
        let started = clock.now
        let reply = Self.refusal(core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero))
        #expect(clock.now - started < .seconds(1))
        #expect(reply?.code == "usage", "\(String(describing: reply))")
        #expect(reply?.message.contains("at most") == true, "\(String(describing: reply))")
    }

    @Test func theLargestAllowedJobIsStillAccepted() throws {
        let (core, hash) = try Self.core()
        let spec = JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "random", folds: 2, repeats: JobLimits.maxTasks / 2,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let outputs = core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero)
        #expect(outputs.contains { if case .toClient(_, .submitted) = $0 { true } else { false } })
    }
}
