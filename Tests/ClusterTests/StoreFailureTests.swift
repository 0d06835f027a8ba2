import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// A store that cannot write (full disk, permissions) never loses an accepted job and never stops
/// the coordinator: refusals say `store-failed` and why, results are retried, the job fails with
/// the reason only when retrying cannot help.
@Suite struct StoreFailureTests {
    @Test func aSubmitTheStoreCannotRecordIsRefusedAndCanBeResent() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        store.fail([.create])
        let refused = try #require(StoreCoreHarness.error(h.submit("r1")))
        #expect(refused.code == "store-failed")
        #expect(refused.message.contains("disk is full"))
        #expect(try store.jobs().isEmpty)
        // Still answering, and the same request goes through once the disk has room.
        guard case .info = StoreCoreHarness.replies(h.send(.client(h.client, .info(.init(request: "i"))))).first else {
            Issue.record("the coordinator stopped answering")
            return
        }
        store.fail([])
        let job = try #require(StoreCoreHarness.submitted(h.submit("r1")))
        #expect(try store.jobs().map(\.id) == [job])
        #expect(try store.jobs().first?.request == "r1")
    }

    @Test(arguments: [FailingJobStore.Write.receiveDataset, .keepDataset])
    func anUploadTheStoreCannotKeepIsRefused(failing write: FailingJobStore.Write) throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store, registerDataset: false)
        store.fail([write])
        let upload = ClientRequest.Upload(request: "u", dataset: h.hash, offset: 0, size: h.bytes.count)
        let refused = try #require(StoreCoreHarness.error(h.send(.client(h.client, .upload(upload, bytes: h.bytes)))))
        #expect(refused.code == "store-failed")
        #expect(refused.message.contains("cannot keep the dataset") && refused.message.contains("disk is full"))
        #expect(!h.registry.contains(h.hash), "a dataset the store does not hold is not announced")
        #expect(store.refused(write) == 1)
        // With room again, the same upload goes through.
        store.fail([])
        let acked = StoreCoreHarness.replies(h.send(.client(h.client, .upload(upload, bytes: h.bytes))))
        guard case .uploadAck(let ack) = acked.first, ack.complete else {
            Issue.record("upload not acknowledged once the store had room: \(acked)")
            return
        }
    }

    @Test func aResultTheStoreCannotKeepSendsTheTaskBackToTheQueue() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        _ = h.ready(slots: 3)
        let assigned = StoreCoreHarness.tasks(h.submit())
        #expect(assigned.count == 3)
        store.fail([.saveResult])
        let first = assigned[0]
        let retried = StoreCoreHarness.tasks(h.result(for: first.task, rows: first.rows))
        #expect(retried.map(\.task.task) == [first.task.task])
        #expect(retried.map(\.task.attempt) == [2])
        #expect(h.status(first.task.job)?.state == .running)
        #expect(h.status(first.task.job)?.tasksDone == 0)

        store.fail([])
        var outputs = h.result(for: retried[0].task, rows: retried[0].rows)
        #expect(try store.results(of: first.task.job)[first.task.task]?.attempt == 2)
        for other in assigned.dropFirst() { outputs += h.result(for: other.task, rows: other.rows) }
        _ = h.computeMetrics(in: outputs)
        #expect(h.status(first.task.job)?.state == .completed)
    }

    @Test func aStoreThatKeepsFailingFailsTheJobWithTheReasonAndTheCoordinatorCarriesOn() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        _ = h.ready(slots: 3)
        var next = StoreCoreHarness.tasks(h.submit())[0]
        let job = next.task.job
        store.fail([.saveResult])
        for _ in 1..<3 {
            next = try #require(StoreCoreHarness.tasks(h.result(for: next.task, rows: next.rows)).first)
        }
        _ = h.result(for: next.task, rows: next.rows)
        #expect(store.refused(.saveResult) == 3)
        let status = try #require(h.status(job))
        #expect(status.state == .failed)
        #expect(status.message?.contains("fold \(next.task.fold + 1) of repeat 1 failed 3 times") == true)
        #expect(status.message?.contains("the job store could not keep its result") == true)
        #expect(status.message?.contains("disk is full") == true)
        #expect(try store.job(job)?.state == .failed)

        // Another job is accepted and runs once the disk has room.
        store.fail([])
        let second = StoreCoreHarness.tasks(h.submit("r2"))
        #expect(second.count == 3)
    }

    @Test func metricsTheStoreCannotKeepAreRetriedUntilTheyAre() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        h.effects.deferred = [.computeMetrics]
        _ = h.ready(slots: 3)
        let assigned = StoreCoreHarness.tasks(h.submit())
        let job = assigned[0].task.job
        var outputs: [CoordinatorOutput] = []
        for task in assigned { outputs += h.result(for: task.task, rows: task.rows) }
        store.fail([.saveMetrics])
        _ = h.computeMetrics(in: outputs)
        #expect(h.status(job)?.state == .running, "not completed before its metrics are stored")

        h.clock += .seconds(6)
        _ = h.send(.tick)
        #expect(store.refused(.saveMetrics) == 2)
        store.fail([])
        h.clock += .seconds(6)
        _ = h.send(.tick)
        #expect(h.status(job)?.state == .completed)
        #expect(try store.metrics(of: job) != nil)
    }

    @Test func metricsThatCannotBeKeptForAMinuteFailTheJobSayingWhy() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        h.effects.deferred = [.computeMetrics]
        _ = h.ready(slots: 3)
        let assigned = StoreCoreHarness.tasks(h.submit())
        var outputs: [CoordinatorOutput] = []
        for task in assigned { outputs += h.result(for: task.task, rows: task.rows) }
        store.fail([.saveMetrics])
        _ = h.computeMetrics(in: outputs)
        for _ in 0..<20 {
            h.clock += .seconds(6)
            _ = h.send(.tick)
        }
        let status = try #require(h.status(assigned[0].task.job))
        #expect(status.state == .failed)
        #expect(status.message?.contains("could not keep the metrics") == true)
        #expect(store.refused(.saveMetrics) == 13)
    }

    @Test func anEndTheStoreCannotRecordIsStillReportedAndResumedAfterARestart() throws {
        let store = FailingJobStore()
        let h = StoreCoreHarness(store: store)
        _ = h.ready(slots: 3)
        let assigned = StoreCoreHarness.tasks(h.submit())
        let job = assigned[0].task.job
        store.fail([.update])
        _ = h.send(.client(h.client, .cancel(request: "c", job: job)))
        #expect(h.status(job)?.state == .cancelled)
        #expect(try store.job(job)?.state == .running)
        // The store never learnt the end: a restarted coordinator resumes the job.
        var restarted = CoordinatorCore(store: store.inner, registry: h.registry, software: "test")
        #expect(StoreCoreHarness.logs(restarted.resumeUnfinishedJobs()).contains("job resumed"))
    }
}
