extension Scheduler {
    mutating func addJob(_ job: String, datasets: Set<String>, tasks: [TaskLabel], into actions: inout [SchedulerAction]) {
        guard jobs[job] == nil else { return }
        let records = tasks.map { TaskRecord(label: $0, done: $0.done, attempts: $0.attemptsLost, lost: $0.attemptsLost) }
        let record = JobRecord(id: job, datasets: datasets, tasks: records)
        jobs[job] = record
        jobOrder.append(job)
        // A coordinator that stopped between a task's last lost attempt and recording the job's
        // failure: the cap still holds.
        if let spent = records.indices.first(where: { !records[$0].done && records[$0].lost >= configuration.maxAttempts }) {
            failJob(job, reason: "\(Self.name(records[spent].label)) failed \(records[spent].lost) times before the coordinator restarted",
                    into: &actions)
            return
        }
        if record.queue.isEmpty { completeOrVerify(job, into: &actions) }
    }

    /// Attempts `task` of `job` has lost so far, for the job store.
    public func attemptsLost(job: String, task: Int) -> Int {
        jobs[job]?.task(task)?.lost ?? 0
    }

    /// Why a result of `attempt` would be ignored, or nil when it would be its task's first and be
    /// stored. The coordinator asks before writing a result, so the write comes before the task
    /// counts as done (and a failed write can send the task back to the queue).
    public func reasonToIgnoreResult(of attempt: TaskAttempt) -> String? {
        guard let job = jobs[attempt.job], !job.finished, let task = job.task(attempt.task) else {
            return "job \(attempt.job) is not running"
        }
        guard attempt.attempt >= 1, attempt.attempt <= task.attempts else {
            return "attempt \(attempt.attempt) was never handed out"
        }
        return task.done ? "task already has a result" : nil
    }

    mutating func succeed(_ attempt: TaskAttempt, by worker: WorkerID, into actions: inout [SchedulerAction]) {
        workers[worker]?.running.remove(attempt)
        if let reason = reasonToIgnoreResult(of: attempt) {
            actions.append(.ignoreResult(attempt, reason: reason))
            return
        }
        guard jobs[attempt.job] != nil else { return }
        jobs[attempt.job]?.markDone(attempt.task)
        recordProducer(attempt, by: worker)
        // Other attempts of the same task are now pointless.
        let others = jobs[attempt.job]?.removeLeases(of: attempt.task) { _ in true } ?? []
        if let own = others.first(where: { $0.attempt == attempt.attempt }) {
            jobs[attempt.job]?.recordTaskTime(now - own.assigned)
        }
        for lease in others where lease.attempt != attempt.attempt {
            let other = TaskAttempt(job: attempt.job, task: attempt.task, attempt: lease.attempt)
            workers[lease.worker]?.running.remove(other)
            actions.append(.cancel(lease.worker, other))
        }
        actions.append(.storeResult(attempt))
        if let job = jobs[attempt.job], job.doneCount == job.tasks.count { completeOrVerify(attempt.job, into: &actions) }
    }

    mutating func fail(
        _ attempt: TaskAttempt, by worker: WorkerID, message: String, retryable: Bool,
        into actions: inout [SchedulerAction]
    ) {
        guard jobs[attempt.job]?.finished == false, let task = jobs[attempt.job]?.task(attempt.task),
              task.leases.contains(where: { $0.attempt == attempt.attempt && $0.worker == worker })
        else {
            workers[worker]?.running.remove(attempt)
            return
        }
        let loss = AttemptLoss.failed(worker, message)
        if retryable {
            lose(attempt, loss: loss, into: &actions)
        } else {
            workers[worker]?.running.remove(attempt)
            jobs[attempt.job]?.removeLeases(of: attempt.task) { $0.attempt == attempt.attempt }
            let label = task.label
            failJob(attempt.job, reason: "\(Self.name(label)) failed and retrying cannot help: \(message)", into: &actions)
        }
    }

    mutating func cancel(_ job: String, reason: String, into actions: inout [SchedulerAction]) {
        guard jobs[job]?.finished == false else { return }
        releaseAll(of: job, into: &actions)
        jobs[job]?.finished = true
        actions.append(.jobCancelled(job, reason: reason))
        forget(job)
    }

    mutating func finish(_ job: String, into actions: inout [SchedulerAction]) {
        jobs[job]?.finished = true
        actions.append(.jobCompleted(job))
        forget(job)
    }

    mutating func failJob(_ job: String, reason: String, into actions: inout [SchedulerAction]) {
        releaseAll(of: job, into: &actions)
        jobs[job]?.finished = true
        actions.append(.jobFailed(job, reason: reason))
        forget(job)
    }

    /// Cancels every outstanding attempt of `job` on its workers.
    mutating func releaseAll(of job: String, into actions: inout [SchedulerAction]) {
        for index in jobs[job]?.leased.sorted() ?? [] {
            for lease in jobs[job]?.removeLeases(of: index, where: { _ in true }) ?? [] {
                let attempt = TaskAttempt(job: job, task: index, attempt: lease.attempt)
                workers[lease.worker]?.running.remove(attempt)
                actions.append(.cancel(lease.worker, attempt))
            }
        }
        jobs[job]?.clearQueue()
    }

    /// Finished jobs leave the scheduler; the job store keeps their results.
    mutating func forget(_ job: String) {
        jobs[job] = nil
        verifying[job] = nil
        jobOrder.removeAll { $0 == job }
    }

    /// "fold 3 of repeat 1" (1-based, as users count).
    static func name(_ label: TaskLabel) -> String {
        "fold \(label.fold + 1) of repeat \(label.repeatIndex + 1)"
    }
}
