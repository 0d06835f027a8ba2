import Cluster
import Testing
import Wire

private let a = fakeHash("a")
private let b = fakeHash("b")

private func ref(_ task: Int, job: String = "j", attempt: Int = 1) -> TaskRef {
    TaskRef(job: job, task: task, attempt: attempt)
}

private func succeeded(seconds: Double = 1) -> TaskOutcome {
    .succeeded(scores: [0.25, 0.75, 1, 0], rows: 2, concepts: 2, seconds: seconds)
}

@Suite struct WorkerCoreTaskTests {
    @Test func startsATaskOnACachedDatasetWithoutFetchingAndSaysSo() {
        var h = WorkerHarness(cached: [a])
        h.register()
        let out = h.task(0, dataset: a)
        #expect(out.started == [assignment(0, dataset: a)])
        #expect(out.resolved.isEmpty && out.fetches.isEmpty)
        #expect(out.logs.contains("dataset in the cache; not fetching it"))
        // Said once per dataset, not once per task.
        h.send(.taskFinished(ref(0), succeeded()))
        #expect(!h.task(1, dataset: a).logs.contains("dataset in the cache; not fetching it"))
    }

    @Test func looksForAMissingDatasetOnceHoweverManyTasksNeedIt() {
        var h = WorkerHarness(slots: 2)
        h.register()
        let first = h.task(0, dataset: a)
        let second = h.task(1, dataset: a)
        #expect(first.resolved == [a])
        #expect(second.resolved.isEmpty)
        #expect((first + second).started.isEmpty)
        let found = h.send(.datasetResolved(a, .disk))
        #expect(found.started.map(\.task) == [0, 1])
        #expect(found.sent.contains(.have(DatasetRef(dataset: a))))
        #expect(found.logs.contains("dataset found locally; not fetching it"))
    }

    @Test func runsAtMostSlotsTasksAndStartsWaitingOnesInArrivalOrder() {
        var h = WorkerHarness(slots: 2, cached: [a])
        h.register()
        var started: [Int] = []
        for task in 0..<5 { started += h.task(task, dataset: a).started.map(\.task) }
        #expect(started == [0, 1])
        #expect(h.core.status.running == 2 && h.core.status.waiting == 3)
        started += h.send(.taskFinished(ref(1), succeeded())).started.map(\.task)
        #expect(started == [0, 1, 2])
        started += h.send(.taskFinished(ref(0), succeeded())).started.map(\.task)
        started += h.send(.taskFinished(ref(2), succeeded())).started.map(\.task)
        #expect(started == [0, 1, 2, 3, 4])
    }

    @Test func aTaskWaitingForItsDatasetDoesNotHoldBackOneThatCanRun() {
        var h = WorkerHarness(slots: 1, cached: [a])
        h.register()
        #expect(h.task(0, dataset: b).started.isEmpty)
        #expect(h.task(1, dataset: a).started.map(\.task) == [1])
    }

    @Test func sendsProgressEveryTwoSecondsForEveryHeldTask() {
        var h = WorkerHarness(slots: 1, cached: [a])
        h.register()
        h.task(0, dataset: a)  // running
        h.task(1, dataset: a)  // waiting for the slot
        var reports: [(Duration, [TaskRef])] = []
        for _ in 0..<50 {
            h.clock += .milliseconds(100)
            let progress = h.send(.tick).progress
            if !progress.isEmpty { reports.append((h.clock, progress)) }
            h.fromCoordinator(.heartbeat)
        }
        #expect(reports.map(\.0) == [.seconds(2), .seconds(4)])
        #expect(reports.allSatisfy { $0.1 == [ref(0), ref(1)] })
    }

    @Test func resultCarriesTheScoresRowsConceptsAndSeconds() {
        var h = WorkerHarness(cached: [a])
        h.register()
        h.task(0, dataset: a)
        let out = h.send(.taskFinished(ref(0), succeeded(seconds: 2.5)))
        #expect(out.sent == [.result(
            WorkerMessage.TaskResult(job: "j", task: 0, attempt: 1, rows: 2, concepts: 2, seconds: 2.5),
            scores: [0.25, 0.75, 1, 0])])
    }

    @Test func learnerFailureIsReportedWithItsKind() {
        var h = WorkerHarness(cached: [a])
        h.register()
        h.task(0, dataset: a)
        let out = h.send(.taskFinished(ref(0), .failed(.learner, message: "bad parameter C=-1", seconds: 0.1)))
        #expect(out.failures == [WorkerMessage.TaskFailure(
            job: "j", task: 0, attempt: 1, kind: .learner, message: "bad parameter C=-1")])
    }

    @Test func cancelDropsAWaitingTask() {
        var h = WorkerHarness(slots: 1, cached: [a])
        h.register()
        h.task(0, dataset: a)
        h.task(1, dataset: a)
        h.fromCoordinator(.cancel(ref(1)))
        #expect(h.core.status.waiting == 0)
        let out = h.send(.taskFinished(ref(0), succeeded()))
        #expect(out.started.isEmpty)
    }

    @Test func cancelOfARunningTaskStopsItAndDiscardsItsResult() {
        var h = WorkerHarness(slots: 1, cached: [a])
        h.register()
        h.task(0, dataset: a)
        h.task(1, dataset: a)
        let cancelled = h.fromCoordinator(.cancel(ref(0)))
        #expect(cancelled.actions == [.stopTask(ref(0))])
        #expect(cancelled.logs == ["task cancelled while running; it stops at its next block and its result is discarded"])
        // A second CANCEL (a resend) asks nothing more.
        #expect(h.fromCoordinator(.cancel(ref(0))).actions.isEmpty)
        // The slot stays taken until the fold ends; PROGRESS stops for the cancelled task.
        #expect(h.core.status.running == 1)
        #expect(h.advance(.seconds(2)).progress == [ref(1)])
        let out = h.send(.taskFinished(ref(0), succeeded()))
        #expect(out.sent.isEmpty)
        #expect(out.started.map(\.task) == [1])
    }

    @Test func aRepeatedTaskIsIgnored() {
        var h = WorkerHarness(slots: 2, cached: [a])
        h.register()
        h.task(0, dataset: a)
        #expect(h.task(0, dataset: a).started.isEmpty)
        #expect(h.core.status.running == 1)
    }

    @Test func holdoutTaskWaitsForBothDatasets() {
        var h = WorkerHarness(cached: [a])
        h.register()
        let out = h.task(0, dataset: a, holdout: b)
        #expect(out.resolved == [b] && out.started.isEmpty)
        #expect(h.send(.datasetResolved(b, .shared)).started.map(\.task) == [0])
    }

    @Test func aDatasetThatVanishedIsLookedForAgainAndTheTaskWaits() {
        var h = WorkerHarness(cached: [a])
        h.register()
        h.task(0, dataset: a)
        let out = h.send(.taskFinished(ref(0), .datasetUnavailable(a, reason: "file deleted")))
        #expect(out.sent.isEmpty)
        #expect(out.resolved == [a])
        #expect(h.core.status.waiting == 1 && h.core.status.running == 0)
        #expect(!h.core.cachedDatasets.contains(a))
        #expect(h.send(.datasetResolved(a, .disk)).started.map(\.task) == [0])
    }
}

@Suite struct WorkerCoreCommandTaskTests {
    static func commandTask(_ number: Int) -> TaskAssignment {
        var task = assignment(number, dataset: a)
        task.model = "command"
        task.params = ["program": "fit.py"]
        return task
    }

    @Test func refusesACommandTaskUnlessAllowedSayingWhichFlagAllowsIt() {
        var h = WorkerHarness(cached: [a])
        h.register()
        let out = h.fromCoordinator(.task(Self.commandTask(0), testRows: [0, 2]))
        #expect(out.started.isEmpty)
        let failure = out.sent.compactMap { message -> WorkerMessage.TaskFailure? in
            if case .failed(let failure) = message { failure } else { nil }
        }.first
        // Retryable: a worker that allows command tasks may take it.
        #expect(failure?.kind == .internal)
        #expect(failure?.message.contains("worker w1 refuses --model command tasks") == true)
        #expect(failure?.message.contains("crossfold worker --allow-command-tasks") == true)
    }

    @Test func runsACommandTaskWhenAllowed() {
        var h = WorkerHarness(cached: [a], allowsCommandTasks: true)
        h.register()
        #expect(h.fromCoordinator(.task(Self.commandTask(0), testRows: [0, 2])).started == [Self.commandTask(0)])
    }
}
