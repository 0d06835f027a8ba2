import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// A coordinator restarted on its state dir (a new core over a reopened `DirectoryJobStore`, with
/// no dataset in memory) knows its jobs, their request ids, results and datasets.
@Suite struct StoreRestartCoreTests {
    /// Uploads the harness's dataset through the core, so it reaches the store as in production.
    static func upload(_ h: StoreCoreHarness) throws {
        let upload = ClientRequest.Upload(request: "u", dataset: h.hash, offset: 0, size: h.bytes.count)
        let acked = StoreCoreHarness.replies(h.send(.client(h.client, .upload(upload, bytes: h.bytes))))
        guard case .uploadAck(let ack) = acked.first, ack.complete else {
            Issue.record("upload not acknowledged: \(acked)")
            return
        }
    }

    @Test func aSubmitResentAfterARestartGetsTheSameJob() throws {
        let directory = WorkerFixtures.scratchDirectory("restart-submit")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let first = StoreCoreHarness(store: before, registerDataset: false)
        try Self.upload(first)
        let job = try #require(StoreCoreHarness.submitted(first.submit("lazy-pirate-1")))
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        let second = StoreCoreHarness(store: after, registerDataset: false)
        _ = second.resume()
        #expect(StoreCoreHarness.submitted(second.submit("lazy-pirate-1")) == job)
        #expect(try after.jobs().map(\.id) == [job])
        let other = try #require(StoreCoreHarness.submitted(second.submit("lazy-pirate-2")))
        #expect(other != job)
    }

    @Test func aResumedJobRunsOnlyTheFoldsWithoutAStoredResult() throws {
        let directory = WorkerFixtures.scratchDirectory("restart-resume")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let first = StoreCoreHarness(store: before, registerDataset: false)
        try Self.upload(first)
        _ = first.ready(slots: 4)
        let assigned = StoreCoreHarness.tasks(first.submit(folds: 4))
        for done in assigned.prefix(2) { _ = first.result(for: done.task, rows: done.rows) }
        let storedBefore = try before.results(of: assigned[0].task.job)
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        let second = StoreCoreHarness(store: after, registerDataset: false)
        let resumed = second.resume()
        #expect(StoreCoreHarness.logs(resumed).contains("job resumed"))
        #expect(second.registry.contains(second.hash), "the dataset came back from the store")
        let reassigned = StoreCoreHarness.tasks(second.ready(slots: 4))
        #expect(Set(reassigned.map(\.task.task)) == Set(assigned.dropFirst(2).map(\.task.task)))
        var outputs: [CoordinatorOutput] = []
        for task in reassigned { outputs += second.result(for: task.task, rows: task.rows) }
        _ = second.computeMetrics(in: outputs)
        let job = assigned[0].task.job
        #expect(second.status(job)?.state == .completed)
        let storedAfter = try after.results(of: job)
        #expect(storedAfter.count == 4)
        for (task, result) in storedBefore { #expect(storedAfter[task] == result, "task \(task) kept its first result") }
    }

    @Test func aFoldKeepsTheAttemptsItLostAcrossARestart() throws {
        let directory = WorkerFixtures.scratchDirectory("restart-attempts")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let first = StoreCoreHarness(store: before, registerDataset: false)
        try Self.upload(first)
        _ = first.ready(slots: 1)
        let task = try #require(StoreCoreHarness.tasks(first.submit(folds: 3)).first).task
        // The worker fails the fold twice (retryable), then the coordinator dies.
        var attempt = task.attempt
        for _ in 0..<2 {
            let failure = WorkerMessage.TaskFailure(job: task.job, task: task.task, attempt: attempt, kind: .internal, message: "out of memory")
            let retry = StoreCoreHarness.tasks(first.send(.worker(first.worker, .failed(failure), identity: nil)))
            attempt = try #require(retry.first { $0.task.task == task.task }).task.attempt
        }
        #expect(attempt == 3)
        let recorded = try #require(try before.lostAttempts(of: task.job)[task.task])
        #expect(recorded.count == 2)
        #expect(recorded.lastCause.contains("out of memory"))
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        let second = StoreCoreHarness(store: after, registerDataset: false)
        #expect(StoreCoreHarness.logs(second.resume()).contains("job resumed"))
        let resumed = try #require(StoreCoreHarness.tasks(second.ready(slots: 1)).first).task
        // The fold carries on from its third attempt, the last one the cap allows.
        #expect(resumed.task == task.task && resumed.attempt == 3)
        let failure = WorkerMessage.TaskFailure(job: task.job, task: task.task, attempt: 3, kind: .internal, message: "out of memory")
        _ = second.send(.worker(second.worker, .failed(failure), identity: nil))
        let status = try #require(second.status(task.job))
        #expect(status.state == .failed)
        #expect(status.message?.contains("failed 3 times") == true, "\(status.message ?? "")")
    }

    @Test func aJobWhoseDatasetIsGoneFailsSayingWhyInsteadOfHanging() throws {
        let directory = WorkerFixtures.scratchDirectory("restart-no-dataset")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        let h = StoreCoreHarness(store: store, registerDataset: false)
        try store.create(StoredJob(id: "orphan", spec: h.spec(), request: "r", state: .running, createdAt: 1))
        _ = h.resume()
        let status = try #require(h.status("orphan"))
        #expect(status.state == .failed)
        #expect(status.message?.contains("could not be resumed: the coordinator does not hold dataset \(h.hash)") == true)
        #expect(try store.job("orphan")?.state == .failed)
    }

    @Test func resultsOfAFinishedJobSurviveARestart() throws {
        let directory = WorkerFixtures.scratchDirectory("restart-results")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let first = StoreCoreHarness(store: before, registerDataset: false)
        try Self.upload(first)
        _ = first.ready(slots: 3)
        let assigned = StoreCoreHarness.tasks(first.submit())
        var outputs: [CoordinatorOutput] = []
        for (index, task) in assigned.enumerated() {
            outputs += first.result(for: task.task, rows: task.rows, value: Float(index + 1) / 10)
        }
        _ = first.computeMetrics(in: outputs)
        let job = assigned[0].task.job
        let query = ClientRequest.results(request: "q", job: job, predictions: true)
        let expected = StoreCoreHarness.replies(first.send(.client(first.client, query)))
        let expectedStatus = try #require(first.status(job))
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        let second = StoreCoreHarness(store: after, registerDataset: false)
        _ = second.resume()
        let replies = StoreCoreHarness.replies(second.send(.client(second.client, query)))
        guard case .results(let header, let metrics, let ids, let predictions) = replies.first,
              case .results(let header0, let metrics0, let ids0, let predictions0) = expected.first
        else {
            Issue.record("expected RESULTS_REPLY twice, got \(expected) then \(replies)")
            return
        }
        #expect(header == header0 && header.conceptIds == second.dataset.concepts)
        #expect(metrics == metrics0)
        #expect(ids == ids0)
        #expect(predictions.map(\.folds) == predictions0.map(\.folds))
        #expect(predictions.map(\.scores) == predictions0.map(\.scores))
        let status = try #require(second.status(job))
        #expect(status.state == .completed && status.tasksDone == 3 && status.tasksTotal == 3)
        #expect(status.elapsedSeconds == expectedStatus.elapsedSeconds, "from the stored start and end")
    }
}
