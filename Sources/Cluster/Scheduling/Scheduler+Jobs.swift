extension Scheduler {
    mutating func addJob(_ job: String, datasets: Set<String>, tasks: [TaskLabel], into actions: inout [SchedulerAction]) {
        guard jobs[job] == nil else { return }
        let records = tasks.map { TaskRecord(label: $0, done: $0.done, attempts: $0.attemptsLost, lost: $0.attemptsLost) }
        let queue = records.indices.filter { !records[$0].done }
        jobs[job] = JobRecord(id: job, datasets: datasets, tasks: records, queue: queue)
        jobOrder.append(job)
        // A coordinator that stopped between a task's last lost attempt and recording the job's
        // failure: the cap still holds.
        if let spent = queue.first(where: { records[$0].lost >= configuration.maxAttempts }) {
            failJob(job, reason: "\(Self.name(records[spent].label)) failed \(records[spent].lost) times before the coordinator restarted",
                    into: &actions)
            return
        }
        if queue.isEmpty { finish(job, into: &actions) }
    }

    /// Attempts `task` of `job` has lost so far, for the job store.
    public func attemptsLost(job: String, task: Int) -> Int {
        jobs[job]?.tasks[safe: task]?.lost ?? 0
    }

    /// Why a result of `attempt` would be ignored, or nil when it would be its task's first and be
    /// stored. The coordinator asks before writing a result, so the write comes before the task
    /// counts as done (and a failed write can send the task back to the queue).
    public func reasonToIgnoreResult(of attempt: TaskAttempt) -> String? {
        guard let job = jobs[attempt.job], !job.finished, job.tasks.indices.contains(attempt.task) else {
            return "job \(attempt.job) is not running"
        }
        guard attempt.attempt >= 1, attempt.attempt <= job.tasks[attempt.task].attempts else {
            return "attempt \(attempt.attempt) was never handed out"
        }
        return job.tasks[attempt.task].done ? "task already has a result" : nil
    }

    mutating func succeed(_ attempt: TaskAttempt, by worker: WorkerID, into actions: inout [SchedulerAction]) {
        workers[worker]?.running.remove(attempt)
        if let reason = reasonToIgnoreResult(of: attempt) {
            actions.append(.ignoreResult(attempt, reason: reason))
            return
        }
        guard var job = jobs[attempt.job] else { return }
        job.tasks[attempt.task].done = true
        job.queue.removeAll { $0 == attempt.task }
        // Other attempts of the same task are now pointless.
        for lease in job.tasks[attempt.task].leases where lease.attempt != attempt.attempt {
            let other = TaskAttempt(job: attempt.job, task: attempt.task, attempt: lease.attempt)
            workers[lease.worker]?.running.remove(other)
            actions.append(.cancel(lease.worker, other))
        }
        job.tasks[attempt.task].leases = []
        jobs[attempt.job] = job
        actions.append(.storeResult(attempt))
        if job.doneCount == job.tasks.count { finish(attempt.job, into: &actions) }
    }

    mutating func fail(
        _ attempt: TaskAttempt, by worker: WorkerID, message: String, retryable: Bool,
        into actions: inout [SchedulerAction]
    ) {
        guard let job = jobs[attempt.job], !job.finished,
              job.tasks[safe: attempt.task]?.leases.contains(where: { $0.attempt == attempt.attempt && $0.worker == worker })
                == true
        else {
            workers[worker]?.running.remove(attempt)
            return
        }
        let loss = AttemptLoss.failed(worker, message)
        if retryable {
            lose(attempt, loss: loss, into: &actions)
        } else {
            workers[worker]?.running.remove(attempt)
            jobs[attempt.job]?.tasks[attempt.task].leases.removeAll { $0.attempt == attempt.attempt }
            let label = job.tasks[attempt.task].label
            failJob(attempt.job, reason: "\(Self.name(label)) failed and retrying cannot help: \(message)", into: &actions)
        }
    }

    mutating func cancel(_ job: String, reason: String, into actions: inout [SchedulerAction]) {
        guard let record = jobs[job], !record.finished else { return }
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
        guard let record = jobs[job] else { return }
        for (index, task) in record.tasks.enumerated() {
            for lease in task.leases {
                let attempt = TaskAttempt(job: job, task: index, attempt: lease.attempt)
                workers[lease.worker]?.running.remove(attempt)
                actions.append(.cancel(lease.worker, attempt))
            }
        }
        jobs[job]?.queue = []
        for index in record.tasks.indices { jobs[job]?.tasks[index].leases = [] }
    }

    /// Finished jobs leave the scheduler; the job store keeps their results.
    mutating func forget(_ job: String) {
        jobs[job] = nil
        jobOrder.removeAll { $0 == job }
    }

    /// "fold 3 of repeat 1" (1-based, as users count).
    static func name(_ label: TaskLabel) -> String {
        "fold \(label.fold + 1) of repeat \(label.repeatIndex + 1)"
    }
}
