import Wire

/// Verification by recomputation (docs/RELIABILITY.md): once every task of a job that asked for it
/// has a result, some tasks are computed again on another worker and compared bit for bit; a
/// disagreement is settled by a third worker, the worker in the minority is quarantined (no more
/// tasks), and its results in running jobs are computed again.
extension Scheduler {
    /// Whether `attempt` is a check: its result is compared (`checkReturned`), never stored.
    public func isCheck(_ attempt: TaskAttempt) -> Bool {
        verifying[attempt.job]?.checkAttempts.contains(attempt) == true
    }

    /// Whether the job's results get a digest (`taskDigest`) before they are stored.
    public func verifies(_ job: String) -> Bool { verifying[job] != nil }

    /// Whether a result for `attempt` replaces a stored one (its task was computed again after its
    /// worker was quarantined).
    public func replacesStoredResult(_ attempt: TaskAttempt) -> Bool {
        jobs[attempt.job]?.task(attempt.task)?.replaces == true
    }

    /// Where verification of a running job stands.
    public func verification(of job: String) -> VerificationSummary? { verifying[job]?.summary }

    /// Workers quarantined in this process, with why.
    public var quarantinedWorkers: [WorkerID: String] { quarantined }

    mutating func recordDigest(_ attempt: TaskAttempt, _ digest: ResultDigest) {
        verifying[attempt.job]?.reported[attempt] = digest
    }

    /// A task's first result is kept: note who produced it and its digest.
    mutating func recordProducer(_ attempt: TaskAttempt, by worker: WorkerID) {
        jobs[attempt.job]?.setProducer(of: attempt.task, worker)
        if let digest = verifying[attempt.job]?.reported.removeValue(forKey: attempt) {
            verifying[attempt.job]?.stored[attempt.task] = digest
        }
    }

    /// Every task has a result: complete the job, or first start its checks, or wait for them.
    mutating func completeOrVerify(_ job: String, into actions: inout [SchedulerAction]) {
        guard var verification = verifying[job] else {
            finish(job, into: &actions)
            return
        }
        if !verification.started {
            verification.started = true
            verifying[job] = verification
            startChecks(job, into: &actions)
            verification = verifying[job] ?? verification
        }
        guard verification.checks.isEmpty, jobs[job]?.finished == false else { return }
        actions.append(.verificationFinished(job, verification.summary))
        finish(job, into: &actions)
    }

    /// Chooses the tasks to check and queues them, or says why verification cannot run.
    mutating func startChecks(_ job: String, into actions: inout [SchedulerAction]) {
        guard let record = jobs[job], var verification = verifying[job] else { return }
        var producers: [Int: WorkerID] = [:]
        for task in 0..<record.tasks.count {
            if let producer = record.task(task)?.producer, verification.stored[task] != nil { producers[task] = producer }
        }
        let contributors = Set(producers.values)
        let others = workers.keys.filter { quarantined[$0] == nil && !contributors.contains($0) }
        if producers.isEmpty {
            verification.notRun = "no result of this job was computed by this coordinator process (it resumed the job after a restart)"
        } else if contributors.count + others.count < 2 {
            verification.notRun = "fewer than 2 workers: only \(contributors.sorted().map(\.rawValue).joined(separator: ", ")) "
                + "computed this job and no other worker is connected, so no result could be computed a second time"
        }
        if verification.notRun != nil {
            verifying[job] = verification
            return
        }
        let chosen = JobVerification.choose(
            fraction: verification.request.fraction, seed: verification.request.seed, producers: producers,
            taskCount: record.tasks.count)
        verification.tasksChecked = chosen.count
        for task in chosen.reversed() {
            verification.checks[task] = [:]
            jobs[job]?.requeueAtFront(task)
        }
        verifying[job] = verification
    }

    /// Workers that may take a check of `task`: none that already computed it.
    func excludedFromCheck(job: String, task: Int) -> Set<WorkerID> {
        guard let votes = verifying[job]?.checks[task] else { return [] }
        var excluded = Set(votes.keys)
        if let producer = jobs[job]?.task(task)?.producer { excluded.insert(producer) }
        return excluded
    }

    /// A check was handed out.
    mutating func noteCheckAssigned(_ attempt: TaskAttempt) {
        verifying[attempt.job]?.checkAttempts.insert(attempt)
        verifying[attempt.job]?.extraTasks += 1
    }

    /// A check attempt ended without a result: it goes back to the queue (the task's own result
    /// stands, so its attempt cap does not apply). Returns whether `attempt` was a check.
    mutating func loseCheck(_ attempt: TaskAttempt) -> Bool {
        guard verifying[attempt.job]?.checkAttempts.remove(attempt) != nil else { return false }
        jobs[attempt.job]?.removeLeases(of: attempt.task) { $0.attempt == attempt.attempt }
        if jobs[attempt.job]?.queue.contains(attempt.task) == false { jobs[attempt.job]?.requeueAtFront(attempt.task) }
        return true
    }

    mutating func checkReturned(_ attempt: TaskAttempt, by worker: WorkerID, digest: ResultDigest, into actions: inout [SchedulerAction]) {
        workers[worker]?.running.remove(attempt)
        guard var verification = verifying[attempt.job], verification.checkAttempts.remove(attempt) != nil,
              var votes = verification.checks[attempt.task], let stored = verification.stored[attempt.task],
              let producer = jobs[attempt.job]?.task(attempt.task)?.producer
        else {
            actions.append(.ignoreResult(attempt, reason: "not a check under way"))
            return
        }
        jobs[attempt.job]?.removeLeases(of: attempt.task) { $0.attempt == attempt.attempt }
        if quarantined[worker] != nil {
            // Its vote no longer counts; another worker checks the task.
            verifying[attempt.job] = verification
            jobs[attempt.job]?.requeueAtFront(attempt.task)
            return
        }
        votes[worker] = JobVerification.Vote(attempt: attempt.attempt, digest: digest)
        let task = attempt.task
        if votes.count == 1 {
            if digest == stored {
                verification.verified.insert(task)
                verification.checks[task] = nil
                verifying[attempt.job] = verification
                actions.append(.checkSettled(job: attempt.job, task: task, adopt: nil))
            } else {
                verification.mismatches += 1
                verification.checks[task] = votes
                verifying[attempt.job] = verification
                actions.append(.resultsDisagree(attempt, workers: [producer, worker]))
                let third = workers.keys.filter { quarantined[$0] == nil && $0 != producer && $0 != worker }
                if third.isEmpty {
                    failJob(attempt.job, reason: "\(Self.name(jobs[attempt.job]!.tasks[task].label)): workers \(producer) and "
                        + "\(worker) returned different results and no third worker is connected to settle which is right; "
                        + "the job fails rather than report metrics that may be wrong", into: &actions)
                    return
                }
                jobs[attempt.job]?.requeueAtFront(task)
            }
        } else {
            settle(attempt, votes: votes, producer: producer, stored: stored, verification: &verification, into: &actions)
            guard jobs[attempt.job]?.finished == false else { return }
        }
        if let job = jobs[attempt.job], job.doneCount == job.tasks.count { completeOrVerify(attempt.job, into: &actions) }
    }

    /// Three results of one task: the majority's stands, the worker in the minority is quarantined.
    private mutating func settle(
        _ attempt: TaskAttempt, votes: [WorkerID: JobVerification.Vote], producer: WorkerID, stored: ResultDigest,
        verification: inout JobVerification, into actions: inout [SchedulerAction]
    ) {
        let task = attempt.task
        var all = votes.mapValues(\.digest)
        all[producer] = stored
        var tally: [ResultDigest: Int] = [:]
        for digest in all.values { tally[digest, default: 0] += 1 }
        guard let majority = tally.first(where: { $0.value >= 2 })?.key else {
            verifying[attempt.job] = verification
            failJob(attempt.job, reason: "\(Self.name(jobs[attempt.job]!.tasks[task].label)): workers "
                + "\(all.keys.sorted().map(\.rawValue).joined(separator: ", ")) returned three different results", into: &actions)
            return
        }
        verification.verified.insert(task)
        verification.checks[task] = nil
        var adopt: TaskAttempt?
        if stored != majority, let (winner, vote) = votes.sorted(by: { $0.key < $1.key }).first(where: { $0.value.digest == majority }) {
            adopt = TaskAttempt(job: attempt.job, task: task, attempt: vote.attempt)
            verification.stored[task] = majority
            jobs[attempt.job]?.setProducer(of: task, winner)
        }
        verifying[attempt.job] = verification
        actions.append(.checkSettled(job: attempt.job, task: task, adopt: adopt))
        let label = jobs[attempt.job].map { Self.name($0.tasks[task].label) } ?? "task \(task)"
        for (worker, digest) in all.sorted(by: { $0.key < $1.key }) where digest != majority {
            verifying[attempt.job]?.quarantined.insert(worker)
            quarantine(worker, reason: "its result for \(label) of job \(attempt.job) differs from two other workers'",
                       into: &actions)
        }
    }

    /// No more tasks for `worker`; its attempts go to others, and its results in running jobs that
    /// no other worker confirmed are computed again.
    mutating func quarantine(_ worker: WorkerID, reason: String, into actions: inout [SchedulerAction]) {
        guard quarantined[worker] == nil else { return }
        quarantined[worker] = reason
        actions.append(.quarantined(worker, reason: reason))
        let held = (workers[worker]?.running ?? []).sorted { ($0.job, $0.task, $0.attempt) < ($1.job, $1.task, $1.attempt) }
        workers[worker]?.running = []
        for attempt in held {
            actions.append(.cancel(worker, attempt))
            if loseCheck(attempt) { continue }
            jobs[attempt.job]?.removeLeases(of: attempt.task) { $0.attempt == attempt.attempt }
            if let task = jobs[attempt.job]?.task(attempt.task), !task.done, task.leases.isEmpty,
               jobs[attempt.job]?.queue.contains(attempt.task) == false {
                jobs[attempt.job]?.requeueAtFront(attempt.task)
            }
        }
        for job in jobOrder {
            guard let record = jobs[job], !record.finished else { continue }
            for task in 0..<record.tasks.count {
                guard let entry = record.task(task), entry.done, entry.producer == worker,
                      verifying[job]?.verified.contains(task) != true, verifying[job]?.checks[task] == nil
                else { continue }
                jobs[job]?.markUndone(task)
                verifying[job]?.stored[task] = nil
                verifying[job]?.extraTasks += 1
                verifying[job]?.quarantined.insert(worker)
            }
        }
    }
}
