import Cluster
import Datasets
import Foundation
import Logging
import Reports
import Testing
import TestSupport
import Wire

/// The coordinator's logic, driven without sockets: inputs in, outputs checked.
private final class CoreHarness {
    let store = InMemoryJobStore()
    let registry = DatasetRegistry()
    var core: CoordinatorCore
    let effects: InlineEffects
    var clock: Duration = .zero
    var nextJob = 0
    let client = PeerID([0, 0, 0, 1])
    let dataset = GaussianClusters.make(rows: 60, features: 4, concepts: 3)
    let hash: String

    init() {
        core = CoordinatorCore(store: store, registry: registry, software: "test")
        effects = InlineEffects(store: store, registry: registry)
        hash = CanonicalDataset.sha256(of: dataset)
        registry.register(hash: hash, bytes: CanonicalDataset.encode(dataset), dataset: dataset)
    }

    /// Handles `input` and carries out what it leads to (store writes, uploads, metrics, results),
    /// as the shell would.
    func send(_ input: CoordinatorInput) -> [CoordinatorOutput] { effects.handle(input, on: &core, now: clock) }

    func spec(folds: Int = 3, model: String = "centroid", params: [String: String] = [:]) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: folds, repeats: 1, seed: 7,
                model: model, params: params, threshold: 0.5)
    }

    func ready(_ peer: PeerID, slots: Int = 1) -> [CoordinatorOutput] {
        send(.worker(peer, .ready(.init(name: "w", slots: slots, threads: 1, cached: [], software: "test")), identity: nil))
    }
}

private func clientReplies(_ outputs: [CoordinatorOutput]) -> [ClientReply] {
    outputs.compactMap { if case .toClient(_, let reply) = $0 { reply } else { nil } }
}

private func workerMessages(_ outputs: [CoordinatorOutput]) -> [(PeerID, CoordinatorMessage)] {
    outputs.compactMap { if case .toWorker(let peer, let message) = $0 { (peer, message) } else { nil } }
}

private func tasks(_ outputs: [CoordinatorOutput]) -> [(PeerID, TaskAssignment, [Int32])] {
    workerMessages(outputs).compactMap { peer, message in
        if case .task(let task, let rows) = message { (peer, task, rows) } else { nil }
    }
}

@Suite struct CoordinatorCoreTests {
    @Test func acceptsAJobAndHandsOutItsFolds() throws {
        let h = CoreHarness()
        let worker = PeerID([9])
        _ = h.ready(worker, slots: 3)
        let outputs = h.send(.client(h.client, .submit(request: "r1", spec: h.spec())))
        let replies = clientReplies(outputs)
        guard case .submitted(let request, _) = try #require(replies.first) else {
            Issue.record("expected SUBMITTED, got \(replies)")
            return
        }
        #expect(request == "r1")
        let assigned = tasks(outputs)
        #expect(assigned.map(\.1.fold) == [0, 1, 2])
        // The folds partition the rows.
        let rows = assigned.flatMap(\.2).map(Int.init).sorted()
        #expect(rows == Array(0..<60))
        #expect(assigned.allSatisfy { $0.1.testRows == $0.2.count && $0.1.model == "centroid" })
        // centroid fits from per-fold sums: every task carries the fold of every row, which agrees
        // with its test rows.
        for (_, task, rows) in assigned {
            let rowFolds = try #require(task.rowFolds)
            #expect(task.partitionFolds == 3 && rowFolds.count == 60)
            #expect(rowFolds.indices.filter { rowFolds[$0] == task.fold } == rows.map(Int.init))
        }
    }

    /// Learners that share work across folds (sums, knn's pairs) get the fold of every row; others not.
    @Test(arguments: [("logistic", false), ("knn", true)])
    func onlyLearnersThatShareWorkAcrossFoldsGetTheFoldOfEveryRow(model: String, shares: Bool) throws {
        let h = CoreHarness()
        _ = h.ready(PeerID([9]), slots: 3)
        let assigned = tasks(h.send(.client(h.client, .submit(request: "r", spec: h.spec(model: model)))))
        #expect(assigned.count == 3)
        #expect(assigned.allSatisfy { ($0.1.partitionFolds == 3 && $0.1.rowFolds?.count == 60) == shares })
        #expect(assigned.allSatisfy { ($0.1.partitionFolds == nil && $0.1.rowFolds == nil) == !shares })
    }

    @Test func resentSubmitDoesNotStartASecondJob() {
        let h = CoreHarness()
        let first = clientReplies(h.send(.client(h.client, .submit(request: "same", spec: h.spec()))))
        let second = clientReplies(h.send(.client(h.client, .submit(request: "same", spec: h.spec()))))
        #expect(first == second)
        #expect((try? h.store.jobs().count) == 1)
    }

    @Test func refusesUnknownDatasetsAndBadParametersSayingWhatToDo() throws {
        let h = CoreHarness()
        var spec = h.spec()
        spec.dataset = String(repeating: "0", count: 64)
        let unknown = clientReplies(h.send(.client(h.client, .submit(request: "r", spec: spec))))
        guard case .error(let refusal) = try #require(unknown.first) else { Issue.record("expected a refusal"); return }
        #expect(refusal.code == "unknown-dataset")
        #expect(refusal.message.contains("upload it"))

        let badParam = clientReplies(h.send(.client(h.client, .submit(request: "r2", spec: h.spec(params: ["nope": "1"])))))
        guard case .error(let usage) = try #require(badParam.first) else { Issue.record("expected a refusal"); return }
        #expect(usage.code == "usage")

        let tooManyFolds = clientReplies(h.send(.client(h.client, .submit(request: "r3", spec: h.spec(folds: 21)))))
        guard case .error(let invalid) = try #require(tooManyFolds.first) else { Issue.record("expected a refusal"); return }
        #expect(invalid.code == "invalid-dataset")
    }

    @Test func refusesALearnerThatCannotLearnTheDatasetBeforeAnyTask() throws {
        let h = CoreHarness()
        var labels = [UInt8](repeating: 0, count: 60 * 3)
        for row in 0..<60 { labels[row * 3 + row % 3] = 1 }
        labels[7 * 3 + 2] = 1  // row 7 has two concepts
        let multiLabel = Dataset(featureCount: 4, features: h.dataset.features, concepts: h.dataset.concepts,
                                 labels: labels, ids: h.dataset.ids, isMultiLabel: true)
        let hash = CanonicalDataset.sha256(of: multiLabel)
        h.registry.register(hash: hash, bytes: CanonicalDataset.encode(multiLabel), dataset: multiLabel)
        var spec = h.spec(model: "softmax")
        spec.dataset = hash
        spec.datasetName = "tags.csv"
        spec.split = "multilabel"
        let outputs = h.send(.client(h.client, .submit(request: "r", spec: spec)))
        guard case .error(let refusal) = try #require(clientReplies(outputs).first) else {
            Issue.record("expected a refusal, got \(outputs)")
            return
        }
        #expect(refusal.code == "usage")
        #expect(refusal.message.hasPrefix(
            "--model softmax needs exactly one concept per row, but row 7 (id \"\(h.dataset.ids[7])\") of tags.csv has 2 concepts"))
        #expect((try? h.store.jobs().count) == 0)
    }

    /// The embedded cluster stops its own workers after the job: their connections closing is not
    /// worth a warning on a run that succeeded.
    @Test func workersLeftOnPurposeAreLoggedAtDebugLevel() throws {
        let h = CoreHarness()
        let worker = PeerID([3])
        _ = h.ready(worker)
        func levels(_ outputs: [CoordinatorOutput]) -> [Logger.Level] {
            outputs.compactMap { if case .log(let level, let message, _) = $0, "\(message)" == "worker connection lost" { level } else { nil } }
        }
        _ = h.send(.workersLeaving)
        #expect(levels(h.send(.unreachable(worker))) == [.debug])
        let other = CoreHarness()
        _ = other.ready(worker)
        #expect(levels(other.send(.unreachable(worker))) == [.warning])
    }

    @Test func aWorkerWhoseConnectionClosedIsForgottenAndLoggedEvenWhenIdle() throws {
        let h = CoreHarness()
        let busy = PeerID([1])
        let idle = PeerID([2])
        _ = h.ready(busy, slots: 3)
        let assigned = tasks(h.send(.client(h.client, .submit(request: "r", spec: h.spec(folds: 3)))))
        #expect(assigned.count == 3 && assigned.allSatisfy { $0.0 == busy })
        _ = h.ready(idle)
        func logs(_ outputs: [CoordinatorOutput]) -> [String] {
            outputs.compactMap { if case .log(_, let message, _) = $0 { "\(message)" } else { nil } }
        }
        // A send to the idle worker failed: nothing to requeue, but its loss leaves a line.
        let idleLost = h.send(.unreachable(idle))
        #expect(logs(idleLost) == ["worker connection lost"])
        // A send to the busy worker failed: its tasks go back to the queue, and the loss is logged.
        let lost = logs(h.send(.unreachable(busy)))
        #expect(lost.first == "worker connection lost")
        #expect(lost.filter { $0 == "task requeued" }.count == 3)
        // Both are forgotten: another failed send changes nothing, and a message is told to register.
        #expect(h.send(.unreachable(busy)).isEmpty)
        let stray = workerMessages(h.send(.worker(busy, .heartbeat, identity: nil)))
        guard case .disconnect = stray.first?.1 else {
            Issue.record("expected DISCONNECT for a forgotten connection, got \(stray)")
            return
        }
    }

    @Test func tellsUnknownWorkersToRegister() {
        let h = CoreHarness()
        let outputs = h.send(.worker(PeerID([7]), .heartbeat, identity: nil))
        let messages = workerMessages(outputs)
        #expect(messages.count == 1)
        if case .disconnect(let reason) = messages.first?.1 {
            #expect(reason.reason.contains("READY"))
        } else {
            Issue.record("expected DISCONNECT")
        }
    }

    @Test func refusesAnotherProtocolVersionWithAnError() {
        let h = CoreHarness()
        let error = WireError(.unsupportedVersion, "peer speaks crossfold/2")
        let outputs = h.send(.malformed(PeerID([3]), socket: .client, error))
        guard case .error(let reply) = clientReplies(outputs).first else {
            Issue.record("expected ERROR")
            return
        }
        #expect(reply.code == "unsupported-version")
        // Other malformed messages are dropped and logged, never answered.
        let dropped = h.send(.malformed(PeerID([3]), socket: .worker, WireError(.malformed, "bad")))
        #expect(workerMessages(dropped).isEmpty)
    }

    @Test func rejectsResultsOfTheWrongShapeAndRequeues() throws {
        let h = CoreHarness()
        let worker = PeerID([1])
        _ = h.ready(worker)
        let assigned = try #require(tasks(h.send(.client(h.client, .submit(request: "r", spec: h.spec())))).first)
        let task = assigned.1
        let wrong = WorkerMessage.TaskResult(job: task.job, task: task.task, attempt: 1, rows: 1, concepts: 3, seconds: 0.1)
        let outputs = h.send(.worker(worker, .result(wrong, scores: [0, 0, 0]), identity: nil))
        // The same worker is the only one: the task comes back to it as attempt 2.
        let retried = tasks(outputs)
        #expect(retried.map(\.1.attempt) == [2])
        #expect((try h.store.results(of: task.job)).isEmpty)
    }

    @Test func completesAJobAndServesItsResults() throws {
        let h = CoreHarness()
        h.effects.deferred = [.computeMetrics]
        let worker = PeerID([1])
        _ = h.ready(worker, slots: 3)
        var outputs = h.send(.client(h.client, .submit(request: "r", spec: h.spec())))
        var pendingMetrics: MetricsRequest?
        for (_, task, rows) in tasks(outputs) {
            let scores = [Float](repeating: 0.5, count: rows.count * 3)
            let result = WorkerMessage.TaskResult(
                job: task.job, task: task.task, attempt: task.attempt, rows: rows.count, concepts: 3, seconds: 0.2)
            outputs = h.send(.worker(worker, .result(result, scores: scores), identity: nil))
            for case .computeMetrics(let request) in outputs { pendingMetrics = request }
        }
        let request = try #require(pendingMetrics)
        #expect(try h.store.results(of: request.id).count == 3)
        let job = request.id
        let notYet = clientReplies(h.send(.client(h.client, .results(request: "q", job: job, predictions: false))))
        guard case .error(let wait) = notYet.first else { Issue.record("results before metrics"); return }
        #expect(wait.code == "not-completed")

        _ = h.send(.metricsComputed(job: job, JobMetrics.compute(request, store: h.store, software: "test")))
        let replies = clientReplies(h.send(.client(h.client, .results(request: "q2", job: job, predictions: true))))
        guard case .results(let header, let metrics, let ids, let predictions) = replies.first else {
            Issue.record("expected RESULTS_REPLY, got \(replies)")
            return
        }
        #expect(header.state == .completed && header.rows == 60 && header.concepts == 3)
        #expect(predictions.count == 1)
        #expect(ids == h.dataset.ids)
        #expect(predictions[0].folds.allSatisfy { (0..<3).contains($0) })
        let decoded = try EvalMetricsJSON.decode(Data(metrics))
        #expect(decoded.status?.code == 21300)
        #expect(decoded.summary?.macroAvgRocAuc == 0.5)

        let status = clientReplies(h.send(.client(h.client, .status(request: "s", job: job))))
        guard case .status(_, let snapshot) = status.first else { Issue.record("expected STATUS_REPLY"); return }
        #expect(snapshot.state == .completed && snapshot.tasksDone == 3 && snapshot.tasksTotal == 3)
    }

    @Test func uploadsAreWrittenInOrderAndVerifiedOffTheLoop() throws {
        let h = CoreHarness()
        let other = GaussianClusters.make(rows: 30, features: 2, concepts: 2, seed: 9)
        let bytes = CanonicalDataset.encode(other)
        let hash = SHA256Hasher.hash(bytes)
        let half = bytes.count / 2
        let first = h.send(.client(h.client, .upload(.init(request: "u1", dataset: hash, offset: 0, size: bytes.count),
                                                     bytes: Array(bytes[..<half]))))
        guard case .uploadAck(let ack) = clientReplies(first).first else { Issue.record("expected an ack"); return }
        #expect(ack.received == half && !ack.complete)
        // A chunk that does not continue the upload is not appended; the ack says where it stands.
        let early = h.send(.client(h.client, .upload(.init(request: "u9", dataset: hash, offset: half + 5, size: bytes.count),
                                                     bytes: [1, 2, 3])))
        guard case .uploadAck(let stand) = clientReplies(early).first else { Issue.record("expected an ack"); return }
        #expect(stand.received == half)
        // The last chunk is written and the whole file verified (off the loop, by the shell) before
        // it is acknowledged.
        let done = h.send(.client(h.client, .upload(.init(request: "u2", dataset: hash, offset: half, size: bytes.count),
                                                    bytes: Array(bytes[half...]))))
        #expect(done.contains { if case .spoolUpload(let chunk) = $0 { chunk.isLast } else { false } })
        guard case .uploadAck(let final) = clientReplies(done).first else { Issue.record("expected the final ack"); return }
        #expect(final.complete && final.received == bytes.count)
        #expect(h.registry.contains(hash))
    }

    @Test func corruptedUploadIsRefused() throws {
        let h = CoreHarness()
        let bytes = CanonicalDataset.encode(GaussianClusters.make(rows: 30, features: 2, concepts: 2, seed: 3))
        let claimed = String(repeating: "a", count: 64)
        let refused = clientReplies(h.send(.client(h.client, .upload(.init(request: "u", dataset: claimed, offset: 0, size: bytes.count),
                                                                     bytes: bytes))))
        guard case .error(let error) = refused.first else { Issue.record("expected a refusal"); return }
        #expect(error.code == "invalid-dataset")
        #expect(error.message.contains("hash to") && error.message.contains("upload or fetch it again"))
        #expect(!h.registry.contains(claimed))
    }

    @Test func cancelStopsTheJobOnItsWorkers() throws {
        let h = CoreHarness()
        let worker = PeerID([1])
        _ = h.ready(worker)
        let task = try #require(tasks(h.send(.client(h.client, .submit(request: "r", spec: h.spec())))).first).1
        let outputs = h.send(.client(h.client, .cancel(request: "c", job: task.job)))
        #expect(workerMessages(outputs).contains { if case .cancel(let ref) = $1 { ref.job == task.job } else { false } })
        #expect(try h.store.jobs().first?.state == .cancelled)
    }

    @Test func restartedCoreResumesWithoutRecomputingStoredFolds() throws {
        let h = CoreHarness()
        let worker = PeerID([1])
        _ = h.ready(worker)
        let first = try #require(tasks(h.send(.client(h.client, .submit(request: "r", spec: h.spec())))).first)
        let result = WorkerMessage.TaskResult(job: first.1.job, task: first.1.task, attempt: 1, rows: first.2.count,
                                              concepts: 3, seconds: 0.1)
        _ = h.send(.worker(worker, .result(result, scores: [Float](repeating: 0.3, count: first.2.count * 3)), identity: nil))

        // A new core over the same store and datasets, as after a restart.
        var restarted = CoordinatorCore(store: h.store, registry: h.registry, software: "test")
        _ = restarted.resumeUnfinishedJobs()
        let outputs = restarted.handle(.worker(worker, .ready(.init(name: "w", slots: 5, threads: 1, cached: [],
                                                                    software: "test")), identity: nil), now: .zero)
        #expect(Set(tasks(outputs).map(\.1.task)) == [1, 2])
    }
}
