import Cluster
import Testing

/// A scheduler driven by a mock clock: `at` sets the time, `send` applies an event.
private struct Harness {
    var scheduler: Scheduler
    var clock: Duration = .zero

    init(_ configuration: SchedulerConfiguration = SchedulerConfiguration(lease: .seconds(30))) {
        scheduler = Scheduler(configuration: configuration)
    }

    @discardableResult
    mutating func send(_ event: SchedulerEvent) -> [SchedulerAction] {
        scheduler.handle(event, now: clock)
    }

    mutating func advance(_ duration: Duration) -> [SchedulerAction] {
        clock += duration
        return send(.tick)
    }

    @discardableResult
    mutating func ready(_ name: String, slots: Int = 1, cached: Set<String> = []) -> [SchedulerAction] {
        send(.workerReady(WorkerID(name), name: name, slots: slots, cached: cached))
    }

    @discardableResult
    mutating func addJob(_ job: String, tasks: Int, dataset: String = "d") -> [SchedulerAction] {
        send(.jobAdded(job: job, datasets: [dataset], tasks: (0..<tasks).map { TaskLabel(repeatIndex: 0, fold: $0) }))
    }
}

private func assigned(_ actions: [SchedulerAction]) -> [(WorkerID, TaskAttempt)] {
    actions.compactMap { if case .assign(let worker, let attempt) = $0 { (worker, attempt) } else { nil } }
}

private let w1 = WorkerID("w1")
private let w2 = WorkerID("w2")

@Suite struct SchedulerTests {
    @Test func assignsTasksToFreeSlotsOnRegistration() {
        var h = Harness()
        h.addJob("j", tasks: 3)
        let actions = h.ready("w1", slots: 2)
        let tasks = assigned(actions)
        #expect(tasks.map(\.1) == [TaskAttempt(job: "j", task: 0, attempt: 1), TaskAttempt(job: "j", task: 1, attempt: 1)])
        #expect(tasks.allSatisfy { $0.0 == w1 })
    }

    @Test func completesJobWhenEveryTaskHasAResult() {
        var h = Harness()
        h.ready("w1", slots: 2)
        h.addJob("j", tasks: 2)
        let first = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        #expect(first == [.storeResult(TaskAttempt(job: "j", task: 0, attempt: 1))])
        let second = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 1, attempt: 1)))
        #expect(second == [.storeResult(TaskAttempt(job: "j", task: 1, attempt: 1)), .jobCompleted("j")])
        #expect(h.scheduler.progress(of: "j") == nil)
    }

    @Test func shortTasksAreSentAheadThreePerSlot() {
        var h = Harness()
        h.ready("w1", slots: 1)
        #expect(assigned(h.addJob("j", tasks: 10)).map(\.1.task) == [0])
        h.clock += .milliseconds(5)
        // The first result shows the tasks are short: the freed slot gets the next task, and three
        // more (`tasksAheadPerSlot`) wait on the worker.
        let after = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        #expect(assigned(after).map(\.1.task) == [1, 2, 3, 4])
        #expect(h.scheduler.progress(of: "j")?.running == 4)
        // Full: nothing more until a result comes back.
        #expect(assigned(h.send(.workerSeen(w1))).isEmpty)
        h.clock += .milliseconds(5)
        #expect(assigned(h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 1, attempt: 1)))).map(\.1.task) == [5])
    }

    @Test func aWorkerWithoutRecentResultsGetsNothingAhead() {
        var h = Harness()
        h.ready("w1", slots: 1)
        h.ready("w2", slots: 1)
        #expect(assigned(h.addJob("j", tasks: 10)).map(\.0) == [w1, w2])
        h.clock += .milliseconds(5)
        // w2 is stuck on its task (fetching, say): w1's fast result sends only w1 more.
        let after = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        #expect(assigned(after).map(\.0) == [w1, w1, w1, w1])
    }

    @Test func longTasksWaitForAFreeSlot() {
        var h = Harness()
        h.ready("w1", slots: 2)
        #expect(assigned(h.addJob("j", tasks: 10)).map(\.1.task) == [0, 1])
        h.clock += .seconds(2)
        let after = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        #expect(assigned(after).map(\.1.task) == [2])
        #expect(h.scheduler.progress(of: "j")?.running == 2)
    }

    @Test func sendsHeartbeatsEverySecond() {
        var h = Harness()
        h.ready("w1")
        #expect(h.advance(.milliseconds(500)).isEmpty)
        #expect(h.advance(.milliseconds(500)) == [.heartbeat(w1)])
        h.send(.workerSeen(w1))
        #expect(h.advance(.milliseconds(999)).isEmpty)
        #expect(h.advance(.milliseconds(1)) == [.heartbeat(w1)])
    }

    @Test func requeuesTasksOfAWorkerSilentForFiveBeats() {
        var h = Harness()
        h.ready("w1")
        h.addJob("j", tasks: 1)
        h.ready("w2")
        for _ in 0..<4 {
            _ = h.advance(.seconds(1))
            h.send(.workerSeen(w2))
        }
        let actions = h.advance(.seconds(1))
        #expect(actions.contains(.requeued(TaskAttempt(job: "j", task: 0, attempt: 1), .workerLost(w1, "nothing heard for 5 s"))))
        #expect(actions.contains(.disconnect(w1, reason: "presumed dead after 5 missed heartbeats")))
        #expect(assigned(actions).map(\.1) == [TaskAttempt(job: "j", task: 0, attempt: 2)])
        #expect(assigned(actions).map(\.0) == [w2])
        #expect(!h.scheduler.knows(w1))
    }

    @Test func stopsDispatchingToAMissingWorkerAndResumesWhenHeard() {
        var h = Harness()
        h.ready("w1", slots: 2)
        _ = h.advance(.seconds(3))
        let none = h.addJob("j", tasks: 1)
        #expect(assigned(none).isEmpty)
        let resumed = h.send(.workerSeen(w1))
        #expect(assigned(resumed).map(\.0) == [w1])
    }

    @Test func requeuesAtOnceWhenAWorkerDisconnects() {
        var h = Harness()
        h.ready("w1")
        h.ready("w2")
        h.addJob("j", tasks: 2)
        let actions = h.send(.workerGone(w1, reason: "DISCONNECT"))
        #expect(actions.contains(.requeued(TaskAttempt(job: "j", task: 0, attempt: 1), .workerLost(w1, "DISCONNECT"))))
        // w2 is busy with task 1; task 0 waits at the head of the queue.
        #expect(assigned(actions).isEmpty)
        let next = h.send(.taskSucceeded(w2, TaskAttempt(job: "j", task: 1, attempt: 1)))
        #expect(assigned(next).map(\.1) == [TaskAttempt(job: "j", task: 0, attempt: 2)])
    }

    @Test func handsTaskToAnotherWorkerWhenLeaseExpires() {
        var h = Harness(SchedulerConfiguration(lease: .seconds(10)))
        h.ready("w1")
        h.addJob("j", tasks: 1)
        h.ready("w2")
        var actions: [SchedulerAction] = []
        for _ in 0..<10 {
            actions = h.advance(.seconds(1))
            h.send(.workerSeen(w1))
            h.send(.workerSeen(w2))
        }
        #expect(actions.contains(.cancel(w1, TaskAttempt(job: "j", task: 0, attempt: 1))))
        #expect(actions.contains(.requeued(TaskAttempt(job: "j", task: 0, attempt: 1), .leaseExpired(w1))))
        #expect(assigned(actions).map(\.0) == [w2])
    }

    @Test func progressRenewsTheLease() {
        var h = Harness(SchedulerConfiguration(lease: .seconds(10)))
        h.ready("w1")
        h.addJob("j", tasks: 1)
        for _ in 0..<25 {
            let actions = h.advance(.seconds(1))
            #expect(!actions.contains { if case .requeued = $0 { true } else { false } })
            h.send(.taskProgress(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        }
    }

    @Test func firstResultWinsAndDuplicatesAreIgnored() {
        var h = Harness(SchedulerConfiguration(lease: .seconds(2)))
        h.ready("w1")
        h.addJob("j", tasks: 1)
        h.ready("w2")
        _ = h.advance(.seconds(1))
        h.send(.workerSeen(w1))
        h.send(.workerSeen(w2))
        let expired = h.advance(.seconds(1))
        #expect(assigned(expired).map(\.1) == [TaskAttempt(job: "j", task: 0, attempt: 2)])
        // The slow first attempt still finishes first: it wins, the second attempt is cancelled.
        let late = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        #expect(late == [
            .cancel(w2, TaskAttempt(job: "j", task: 0, attempt: 2)),
            .storeResult(TaskAttempt(job: "j", task: 0, attempt: 1)),
            .jobCompleted("j"),
        ])
        let duplicate = h.send(.taskSucceeded(w2, TaskAttempt(job: "j", task: 0, attempt: 2)))
        #expect(duplicate.count == 1)
        if case .ignoreResult = duplicate.first {} else { Issue.record("expected the duplicate to be ignored") }
    }

    @Test func failsJobAfterThreeLostAttemptsNamingFoldAndCause() throws {
        var h = Harness()
        h.ready("w1")
        h.ready("w2")
        h.addJob("j", tasks: 1)
        var last: [SchedulerAction] = []
        var holders: [WorkerID] = []
        for round in 1...3 {
            let attempt = TaskAttempt(job: "j", task: 0, attempt: round)
            let holder = try #require(h.scheduler.holder(of: attempt))
            holders.append(holder)
            last = h.send(.taskFailed(holder, attempt, message: "out of memory", retryable: true))
        }
        // Retries alternate away from the worker that just lost the task.
        #expect(holders == [w1, w2, w1])
        #expect(last == [.jobFailed("j", reason: "fold 1 of repeat 1 failed 3 times; last: worker w1 failed: out of memory")])
    }

    @Test func aResumedTaskKeepsTheAttemptsItLostBeforeARestart() throws {
        var h = Harness()
        h.ready("w1")
        let actions = h.send(.jobAdded(job: "j", datasets: ["d"], tasks: [TaskLabel(repeatIndex: 0, fold: 0, attemptsLost: 2)]))
        let third = TaskAttempt(job: "j", task: 0, attempt: 3)
        #expect(assigned(actions).map(\.1) == [third])
        #expect(h.scheduler.attemptsLost(job: "j", task: 0) == 2)
        let last = h.send(.taskFailed(w1, third, message: "out of memory", retryable: true))
        #expect(last == [.jobFailed("j", reason: "fold 1 of repeat 1 failed 3 times; last: worker w1 failed: out of memory")])
    }

    @Test func aResumedJobWithATaskOutOfAttemptsFailsAtOnce() {
        var h = Harness()
        h.ready("w1")
        let actions = h.send(.jobAdded(job: "j", datasets: ["d"], tasks: [
            TaskLabel(repeatIndex: 0, fold: 0), TaskLabel(repeatIndex: 0, fold: 1, attemptsLost: 3),
        ]))
        #expect(actions == [.jobFailed("j", reason: "fold 2 of repeat 1 failed 3 times before the coordinator restarted")])
    }

    @Test func deterministicFailureFailsTheJobAtOnce() {
        var h = Harness()
        h.ready("w1", slots: 2)
        h.addJob("j", tasks: 2)
        let actions = h.send(.taskFailed(w1, TaskAttempt(job: "j", task: 1, attempt: 1),
                                         message: "unknown parameter q", retryable: false))
        #expect(actions == [
            .cancel(w1, TaskAttempt(job: "j", task: 0, attempt: 1)),
            .jobFailed("j", reason: "fold 2 of repeat 1 failed and retrying cannot help: unknown parameter q"),
        ])
    }

    @Test func retriesAvoidTheWorkerThatLostTheTask() {
        var h = Harness()
        h.ready("w1")
        h.ready("w2")
        h.addJob("j", tasks: 1)
        let retry = h.send(.taskFailed(w1, TaskAttempt(job: "j", task: 0, attempt: 1), message: "crash", retryable: true))
        #expect(assigned(retry).map(\.0) == [w2])
    }

    @Test func sharesWorkersFairlyBetweenJobs() {
        var h = Harness()
        h.addJob("a", tasks: 4)
        h.addJob("b", tasks: 4)
        let actions = h.ready("w1", slots: 4)
        let jobs = assigned(actions).map(\.1.job)
        #expect(jobs.sorted() == ["a", "a", "b", "b"])
    }

    @Test func prefersWorkersHoldingTheDataset() {
        var h = Harness()
        h.ready("w1")
        h.ready("w2", cached: ["d"])
        let actions = h.addJob("j", tasks: 1, dataset: "d")
        #expect(assigned(actions).map(\.0) == [w2])
    }

    @Test func cancelStopsRunningTasksAndDropsQueuedOnes() {
        var h = Harness()
        h.ready("w1")
        h.addJob("j", tasks: 3)
        let actions = h.send(.cancelJob("j", reason: "asked by client"))
        #expect(actions == [.cancel(w1, TaskAttempt(job: "j", task: 0, attempt: 1)), .jobCancelled("j", reason: "asked by client")])
        let late = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 1)))
        if case .ignoreResult = late.first {} else { Issue.record("a result after cancel must be ignored") }
    }

    @Test func resumedJobRunsOnlyTasksWithoutResults() {
        var h = Harness()
        h.ready("w1", slots: 4)
        let actions = h.send(.jobAdded(job: "j", datasets: ["d"], tasks: [
            TaskLabel(repeatIndex: 0, fold: 0, done: true), TaskLabel(repeatIndex: 0, fold: 1),
            TaskLabel(repeatIndex: 0, fold: 2, done: true),
        ]))
        #expect(assigned(actions).map(\.1.task) == [1])
        let allDone = h.send(.jobAdded(job: "k", datasets: ["d"], tasks: [TaskLabel(repeatIndex: 0, fold: 0, done: true)]))
        #expect(allDone == [.jobCompleted("k")])
    }

    @Test func ignoresResultsForAttemptsNeverHandedOut() {
        var h = Harness()
        h.ready("w1")
        h.addJob("j", tasks: 1)
        let forged = h.send(.taskSucceeded(w1, TaskAttempt(job: "j", task: 0, attempt: 7)))
        if case .ignoreResult = forged.first {} else { Issue.record("expected ignore") }
        let unknown = h.send(.taskSucceeded(w1, TaskAttempt(job: "nope", task: 0, attempt: 1)))
        if case .ignoreResult = unknown.first {} else { Issue.record("expected ignore") }
    }

    @Test func reconnectingWorkerKeepsTheTasksItStillHolds() {
        var h = Harness()
        h.ready("w1", slots: 2)
        h.addJob("j", tasks: 2)
        // w1 reconnected under a new id (a new connection, as after a link outage) and says it
        // still holds task 0; task 1 it no longer has.
        let held = TaskAttempt(job: "j", task: 0, attempt: 1)
        let actions = h.send(.workerReady(WorkerID("w1b"), name: "w1", slots: 2, cached: [], holding: [held]))
        #expect(h.scheduler.holder(of: held) == WorkerID("w1b"))
        // Task 1 still belongs to the old id until it is presumed dead; nothing was requeued.
        #expect(!actions.contains { if case .requeued = $0 { true } else { false } })
        var dead: [SchedulerAction] = []
        for _ in 0..<5 {
            dead += h.advance(.seconds(1))
            h.send(.workerSeen(WorkerID("w1b")))
        }
        #expect(dead.contains(.requeued(TaskAttempt(job: "j", task: 1, attempt: 1), .workerLost(w1, "nothing heard for 5 s"))))
        #expect(!dead.contains { if case .requeued(let attempt, _) = $0 { attempt == held } else { false } })
    }

    @Test func reRegisteringUnderTheSameIDKeepsHeldTasksAndRequeuesTheRest() {
        var h = Harness()
        h.ready("w1", slots: 2)
        h.addJob("j", tasks: 2)
        let held = TaskAttempt(job: "j", task: 0, attempt: 1)
        let actions = h.send(.workerReady(w1, name: "w1", slots: 2, cached: [], holding: [held]))
        #expect(h.scheduler.holder(of: held) == w1)
        #expect(actions.contains(.requeued(TaskAttempt(job: "j", task: 1, attempt: 1), .workerLost(w1, "registered again"))))
        #expect(!actions.contains { if case .requeued(let attempt, _) = $0 { attempt == held } else { false } })
    }

    @Test func reportsTheNextDeadline() {
        var h = Harness(SchedulerConfiguration(lease: .seconds(30)))
        #expect(h.scheduler.nextDeadline == nil)
        h.ready("w1")
        #expect(h.scheduler.nextDeadline == .seconds(1))
    }
}
