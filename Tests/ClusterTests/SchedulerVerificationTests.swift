import Cluster
import Testing
import Wire

/// Verification by recomputation in the pure scheduler, on a mock clock: which tasks are checked,
/// where, and what a disagreement leads to.
@Suite struct SchedulerVerificationTests {
    /// A scheduler and workers that answer every task at once: honest ones with the task's one
    /// true digest, liars with a digest of their own.
    struct Cluster {
        var scheduler = Scheduler(configuration: SchedulerConfiguration(lease: .seconds(30)))
        var clock: Duration = .zero
        var liars: Set<WorkerID> = []
        var actions: [SchedulerAction] = []
        var outstanding: [(worker: WorkerID, attempt: TaskAttempt)] = []

        mutating func send(_ event: SchedulerEvent) {
            clock += .milliseconds(10)
            let new = scheduler.handle(event, now: clock)
            actions += new
            for action in new {
                switch action {
                case .assign(let worker, let attempt): outstanding.append((worker, attempt))
                case .cancel(let worker, let attempt): outstanding.removeAll { $0.worker == worker && $0.attempt == attempt }
                default: break
                }
            }
        }

        mutating func ready(_ names: String..., slots: Int = 1) {
            for name in names { send(.workerReady(WorkerID(name), name: name, slots: slots, cached: [])) }
        }

        mutating func add(_ job: String, tasks: Int, verify: Double?) {
            send(.jobAdded(job: job, datasets: ["d"], tasks: (0..<tasks).map { TaskLabel(repeatIndex: 0, fold: $0) },
                           verify: verify.map { VerifyRequest(fraction: $0, seed: 42) }))
        }

        func digest(_ worker: WorkerID, _ attempt: TaskAttempt) -> ResultDigest {
            liars.contains(worker) ? ResultDigest("bad-\(attempt.job)-\(attempt.task)-\(worker)")
                : ResultDigest("good-\(attempt.job)-\(attempt.task)")
        }

        /// Answers the oldest outstanding attempt, as the coordinator would feed its result.
        mutating func answerOne() {
            let (worker, attempt) = outstanding.removeFirst()
            let digest = digest(worker, attempt)
            if scheduler.isCheck(attempt) {
                send(.checkReturned(worker, attempt, digest))
                return
            }
            guard scheduler.reasonToIgnoreResult(of: attempt) == nil else { return }
            if scheduler.verifies(attempt.job) { send(.taskDigest(worker, attempt, digest)) }
            send(.taskResultPending(worker, attempt))
            send(.taskSucceeded(worker, attempt))
        }

        mutating func runToEnd() {
            var steps = 0
            while !outstanding.isEmpty, steps < 1000 {
                answerOne()
                steps += 1
            }
        }

        var summaries: [String: VerificationSummary] {
            var found: [String: VerificationSummary] = [:]
            for case .verificationFinished(let job, let summary) in actions { found[job] = summary }
            return found
        }

        func assignments(to worker: WorkerID) -> [TaskAttempt] {
            actions.compactMap { if case .assign(worker, let attempt) = $0 { attempt } else { nil } }
        }
    }

    static let (w1, w2, w3) = (WorkerID("w1"), WorkerID("w2"), WorkerID("w3"))

    @Test func choosesOneTaskOfEveryContributorThenTheFractionAtRandom() {
        let producers = Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, $0 < 19 ? Self.w1 : Self.w2) })
        let few = JobVerification.choose(fraction: 0, seed: 1, producers: producers, taskCount: 20)
        #expect(few.count == 2 && few.contains(19))
        let quarter = JobVerification.choose(fraction: 0.25, seed: 1, producers: producers, taskCount: 20)
        #expect(quarter.count == 5 && quarter.contains(19) && Set(quarter).count == 5)
        #expect(JobVerification.choose(fraction: 1, seed: 1, producers: producers, taskCount: 20) == Array(0..<20))
        // The seed decides which (so a worker cannot predict it); the same seed, the same choice.
        #expect(quarter == JobVerification.choose(fraction: 0.25, seed: 1, producers: producers, taskCount: 20))
        let seeds = Set((0..<8).map { JobVerification.choose(fraction: 0.25, seed: UInt64($0), producers: producers, taskCount: 20) })
        #expect(seeds.count > 1)
    }

    @Test func checksOnAnotherWorkerAndCompletesWhenTheResultsAgree() {
        var c = Cluster()
        c.ready("w1", "w2")
        c.add("j", tasks: 4, verify: 0.25)
        c.runToEnd()
        let checks = c.actions.compactMap { action -> (WorkerID, TaskAttempt)? in
            if case .assign(let worker, let attempt) = action, attempt.attempt == 2 { (worker, attempt) } else { nil }
        }
        #expect(checks.count == 2)
        // Each check ran on the worker that had not computed the task.
        for (worker, check) in checks {
            let first = c.actions.first { if case .assign(_, TaskAttempt(job: "j", task: check.task, attempt: 1)) = $0 { true } else { false } }
            guard case .assign(let producer, _)? = first else { Issue.record("no first attempt"); continue }
            #expect(worker != producer)
        }
        #expect(c.summaries["j"] == VerificationSummary(
            fraction: 0.25, tasksChecked: 2, tasksVerified: 2, mismatches: 0, quarantined: [], extraTasks: 2, finished: true))
        #expect(c.actions.suffix(2).last == .jobCompleted("j"))
        #expect(!c.actions.contains { if case .quarantined = $0 { true } else { false } })
    }

    @Test func withOneWorkerSaysVerificationCouldNotRun() throws {
        var c = Cluster()
        c.ready("w1")
        c.add("j", tasks: 3, verify: 0.5)
        c.runToEnd()
        let summary = try #require(c.summaries["j"])
        #expect(summary.tasksChecked == 0 && summary.extraTasks == 0)
        #expect(summary.notRun?.hasPrefix("fewer than 2 workers: only w1 computed this job") == true)
        #expect(c.actions.last == .jobCompleted("j"))
    }

    @Test func aLyingWorkerIsOutvotedQuarantinedAndItsResultReplaced() throws {
        var c = Cluster()
        c.liars = [Self.w3]
        c.ready("w1", "w2", "w3")
        c.add("j", tasks: 6, verify: 0.01)
        c.runToEnd()
        #expect(c.scheduler.quarantinedWorkers.keys.sorted() == [Self.w3])
        let summary = try #require(c.summaries["j"])
        #expect(summary.quarantined == ["w3"])
        #expect(summary.mismatches >= 1)
        #expect(c.actions.last == .jobCompleted("j"))
        // Every task w3 had computed ended up recomputed or replaced by an honest result.
        let producedByLiar = Set(c.actions.compactMap { action -> Int? in
            if case .assign(Self.w3, let attempt) = action, attempt.attempt == 1 { attempt.task } else { nil }
        })
        let adopted = Set(c.actions.compactMap { action -> Int? in
            if case .checkSettled(_, let task, let adopt?) = action { adopt.task == task ? task : nil } else { nil }
        })
        let recomputed = Set(c.actions.compactMap { action -> Int? in
            if case .assign(let worker, let attempt) = action, worker != Self.w3, attempt.attempt > 1,
               !c.scheduler.isCheck(attempt) { attempt.task } else { nil }
        })
        #expect(producedByLiar.isSubset(of: adopted.union(recomputed)), "\(producedByLiar) \(adopted) \(recomputed)")
        // After its quarantine, w3 got nothing.
        let quarantinedAt = try #require(c.actions.firstIndex { if case .quarantined = $0 { true } else { false } })
        #expect(!c.actions[quarantinedAt...].contains { if case .assign(Self.w3, _) = $0 { true } else { false } })
        #expect(summary.extraTasks >= summary.tasksChecked + 1)
    }

    @Test func aQuarantinedWorkersResultsInOtherRunningJobsAreComputedAgain() throws {
        var c = Cluster()
        c.liars = [Self.w3]
        c.ready("w1", slots: 2)
        c.ready("w2", "w3")
        // Job "other" (no verification) has a result from w3 and a task held by a slow w1, so it is
        // still running when job "j" catches w3 lying.
        c.add("other", tasks: 4, verify: nil)
        let slow = try #require(c.outstanding.first { $0.worker == Self.w1 })
        c.outstanding.removeAll { $0.worker == slow.worker && $0.attempt == slow.attempt }
        for _ in 0..<3 { c.answerOne() }
        let otherByLiar = c.actions.compactMap { action -> Int? in
            if case .assign(Self.w3, let attempt) = action, attempt.job == "other" { attempt.task } else { nil }
        }
        #expect(otherByLiar.count == 1)
        c.add("j", tasks: 3, verify: 1)
        c.runToEnd()
        #expect(c.scheduler.quarantinedWorkers[Self.w3] != nil)
        #expect(c.actions.contains(.jobCompleted("j")))
        let task = try #require(otherByLiar.first)
        #expect(c.actions.contains { action in
            if case .assign(let worker, let attempt) = action { worker != Self.w3 && attempt.job == "other" && attempt.task == task && attempt.attempt > 1 } else { false }
        })
        #expect(c.scheduler.replacesStoredResult(TaskAttempt(job: "other", task: task, attempt: 2)) == false)
        c.outstanding.append(slow)
        c.runToEnd()
        #expect(c.actions.contains(.jobCompleted("other")))
    }

    /// A check that only a busy worker may take waits without holding up other jobs' tasks.
    @Test func aCheckWaitingForItsWorkerDoesNotIdleTheOthers() throws {
        var c = Cluster()
        // No task sent ahead of a free slot, so each step's assignment is plain.
        c.scheduler = Scheduler(configuration: SchedulerConfiguration(lease: .seconds(30), queueAheadBelow: .zero))
        c.ready("w1", "w2")
        c.add("b", tasks: 3, verify: nil)
        // w2 keeps b's task 1 for now; w1 finishes b's task 0, then takes a's only task.
        let held = try #require(c.outstanding.first { $0.worker == Self.w2 })
        c.outstanding.removeAll { $0.worker == Self.w2 }
        c.add("a", tasks: 1, verify: 1)
        c.answerOne()
        #expect(c.outstanding.map(\.attempt) == [TaskAttempt(job: "a", task: 0, attempt: 1)])
        c.answerOne()
        // a's check must go to w2, which is busy: w1 takes b's last task meanwhile.
        #expect(c.outstanding.map(\.worker) == [Self.w1])
        #expect(c.outstanding.map(\.attempt) == [TaskAttempt(job: "b", task: 2, attempt: 1)])
        c.outstanding.append(held)
        c.runToEnd()
        #expect(c.actions.contains(.jobCompleted("a")) && c.actions.contains(.jobCompleted("b")))
        #expect(c.assignments(to: Self.w2).contains(TaskAttempt(job: "a", task: 0, attempt: 2)))
    }

    @Test func aMismatchWithNoThirdWorkerFailsTheJobSayingWhy() throws {
        var c = Cluster()
        c.liars = [Self.w2]
        c.ready("w1", "w2")
        c.add("j", tasks: 2, verify: 1)
        c.runToEnd()
        let reason = try #require(c.actions.compactMap { if case .jobFailed("j", let reason) = $0 { reason } else { nil } }.first)
        #expect(reason.contains("returned different results and no third worker is connected"))
        #expect(!c.actions.contains(.jobCompleted("j")))
    }
}
