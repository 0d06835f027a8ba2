import Cluster
import Datasets
import Logging
import Testing
import TestSupport
import Wire

/// How the coordinator's core names workers: by authenticated key (the ZAP User-Id) plus the name
/// the worker announced, or by connection without CURVE. Driven without sockets.
@Suite struct WorkerIdentityTests {
    final class Harness {
        let store = InMemoryJobStore()
        let registry = DatasetRegistry()
        var core: CoordinatorCore
        let effects: InlineEffects
        let client = PeerID([0, 0, 0, 1])
        let hash: String

        init() {
            core = CoordinatorCore(store: store, registry: registry, software: "test")
            effects = InlineEffects(store: store, registry: registry)
            let dataset = GaussianClusters.make(rows: 60, features: 4, concepts: 3)
            hash = CanonicalDataset.sha256(of: dataset)
            registry.register(hash: hash, bytes: CanonicalDataset.encode(dataset), dataset: dataset)
        }

        func send(_ input: CoordinatorInput) -> [CoordinatorOutput] { effects.handle(input, on: &core, now: .zero) }

        func ready(_ peer: PeerID, key: String?, name: String, slots: Int = 1) -> [CoordinatorOutput] {
            let ready = WorkerMessage.Ready(name: name, slots: slots, threads: 1, cached: [], software: "test")
            return send(.worker(peer, .ready(ready), identity: key))
        }

        func submit(folds: Int = 3) -> [CoordinatorOutput] {
            let spec = JobSpec(
                dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: folds, repeats: 1, seed: 7,
                model: "centroid", params: [:], threshold: 0.5)
            return send(.client(client, .submit(request: "r", spec: spec)))
        }
    }

    static func tasks(_ outputs: [CoordinatorOutput]) -> [(peer: PeerID, task: TaskAssignment)] {
        outputs.compactMap { if case .toWorker(let peer, .task(let task, _)) = $0 { (peer, task) } else { nil } }
    }

    static func messages(_ outputs: [CoordinatorOutput], to peer: PeerID) -> [CoordinatorMessage] {
        outputs.compactMap { if case .toWorker(peer, let message) = $0 { message } else { nil } }
    }

    static func logged(_ outputs: [CoordinatorOutput], _ text: String) -> [Logger.Metadata] {
        outputs.compactMap { if case .log(_, let message, let metadata) = $0, message.description == text { metadata } else { nil } }
    }

    @Test func aWorkerIsKnownByItsKeyNameAndTheNameItAnnounced() throws {
        let h = Harness()
        let joined = Self.logged(h.ready(PeerID([1]), key: "worker-1", name: "host-a"), "worker joined")
        #expect(joined.first?["worker"]?.description == "worker-1/host-a")

        let task = try #require(Self.tasks(h.submit(folds: 2)).first).task
        let result = WorkerMessage.TaskResult(
            job: task.job, task: task.task, attempt: task.attempt, rows: task.testRows, concepts: 3, seconds: 0.5)
        _ = h.send(.worker(PeerID([1]), .result(result, scores: [Float](repeating: 0.3, count: task.testRows * 3)),
                           identity: "worker-1"))
        #expect(try h.store.results(of: task.job)[task.task]?.worker == "worker-1/host-a")
    }

    @Test func aReconnectingWorkerReplacesItsOldConnectionAndItsHeldResultStillCounts() throws {
        let h = Harness()
        let (old, new) = (PeerID([1]), PeerID([2]))
        _ = h.ready(old, key: "worker-1", name: "host-a")
        let first = try #require(Self.tasks(h.submit()).first)
        #expect(first.peer == old && first.task.attempt == 1)

        // The same key and name on a new connection: the old one is forgotten, its task requeued
        // and handed out again on the new connection as attempt 2.
        let again = h.ready(new, key: "worker-1", name: "host-a")
        #expect(!Self.logged(again, "worker registered again on a new connection").isEmpty)
        #expect(!Self.logged(again, "task requeued").isEmpty)
        let reassigned = Self.tasks(again)
        #expect(reassigned.map(\.peer) == [new])
        #expect(reassigned.first?.task.task == first.task.task && reassigned.first?.task.attempt == 2)

        // The old connection is no longer a worker: it is told to register.
        let stale = h.send(.worker(old, .heartbeat, identity: "worker-1"))
        guard case .disconnect(let reason) = Self.messages(stale, to: old).first else {
            Issue.record("expected DISCONNECT to the old connection, got \(stale)")
            return
        }
        #expect(reason.reason.contains("READY"))

        // The worker finished attempt 1 across the reconnect and sends it on the new connection:
        // the first result wins, and the redundant attempt 2 is cancelled.
        let task = first.task
        let result = WorkerMessage.TaskResult(
            job: task.job, task: task.task, attempt: 1, rows: task.testRows, concepts: 3, seconds: 0.5)
        let outputs = h.send(.worker(new, .result(result, scores: [Float](repeating: 0.3, count: task.testRows * 3)),
                                     identity: "worker-1"))
        let stored = try h.store.results(of: task.job)[task.task]
        #expect(stored?.attempt == 1)
        #expect(stored?.worker == "worker-1/host-a")
        #expect(Self.messages(outputs, to: new).contains(.cancel(TaskRef(job: task.job, task: task.task, attempt: 2))))
    }

    @Test func replicasSharingOneKeyAreSeparateWorkers() {
        let h = Harness()
        _ = h.ready(PeerID([1]), key: "worker-1", name: "pod-a")
        let second = h.ready(PeerID([2]), key: "worker-1", name: "pod-b")
        #expect(Self.logged(second, "worker registered again on a new connection").isEmpty)
        let assigned = Self.tasks(h.submit())
        #expect(Set(assigned.map(\.peer)) == [PeerID([1]), PeerID([2])])
    }

    @Test func aNameCannotReachIntoAnotherKeysIdentity() {
        let h = Harness()
        _ = h.ready(PeerID([1]), key: "worker-2", name: "host")
        // Key worker-1 announcing the name "2/host" is "worker-1/2/host", not "worker-2/host".
        let joined = Self.logged(h.ready(PeerID([2]), key: "worker-1", name: "2/host"), "worker joined")
        #expect(joined.first?["worker"]?.description == "worker-1/2/host")
        #expect(Set(Self.tasks(h.submit()).map(\.peer)) == [PeerID([1]), PeerID([2])])
        #expect(!Allowlist.isValidName("worker-1/2"))
    }

    @Test func withoutCurveAWorkerIsItsConnection() {
        let h = Harness()
        let joined = Self.logged(h.ready(PeerID([0xAB]), key: nil, name: "same"), "worker joined")
        #expect(joined.first?["worker"]?.description == "ab")
        _ = h.ready(PeerID([0xCD]), key: nil, name: "same")
        #expect(Set(Self.tasks(h.submit()).map(\.peer)) == [PeerID([0xAB]), PeerID([0xCD])])
    }
}
