extension Scheduler {
    /// Fills free slots: the running job with the fewest running tasks goes first (oldest on ties),
    /// its next queued task goes to the best free worker. Then jobs with short tasks get more tasks
    /// per slot sent ahead (`SchedulerConfiguration.queueAheadBelow` and `tasksAheadPerSlot`).
    mutating func dispatch(into actions: inout [SchedulerAction]) {
        dispatch(ahead: false, into: &actions)
        dispatch(ahead: true, into: &actions)
    }

    private mutating func dispatch(ahead: Bool, into actions: inout [SchedulerAction]) {
        while let job = nextJob(ahead: ahead), let task = jobs[job]?.queue.first,
              let worker = bestWorker(for: job, task: task, ahead: ahead) {
            let number = (jobs[job]?.task(task)?.attempts ?? 0) + 1
            _ = jobs[job]?.popQueue()
            let lease = Lease(attempt: number, worker: worker, deadline: now + configuration.lease, assigned: now)
            jobs[job]?.startAttempt(of: task, lease: lease)
            let attempt = TaskAttempt(job: job, task: task, attempt: number)
            workers[worker]?.running.insert(attempt)
            // A task that already has a result is queued only to be checked.
            if jobs[job]?.task(task)?.done == true { noteCheckAssigned(attempt) }
            actions.append(.assign(worker, attempt))
        }
    }

    func nextJob(ahead: Bool = false) -> String? {
        guard workers.values.contains(where: { isAvailable($0, ahead: ahead) }) else { return nil }
        var best: (job: String, running: Int)?
        for job in jobOrder {
            guard let record = jobs[job], !record.finished, !record.queue.isEmpty else { continue }
            if ahead, !queuesAhead(record) { continue }
            // A check whose only free workers already computed the task waits; other jobs go on.
            // (Only a check can be refused by every free worker; ordinary tasks skip the extra pass.)
            if let head = record.queue.first, record.task(head)?.done == true,
               bestWorker(for: job, task: head, ahead: ahead) == nil { continue }
            if let current = best, current.running <= record.running { continue }
            best = (job, record.running)
        }
        return best?.job
    }

    /// A recently heard worker with a free slot, or (`ahead`) with room for a task sent ahead and a
    /// result within the last `queueAheadBelow`.
    func isAvailable(_ worker: WorkerRecord, ahead: Bool = false) -> Bool {
        guard quarantined[worker.id] == nil,
              now - worker.lastSeen < configuration.heartbeatInterval * configuration.missingAfter else { return false }
        guard ahead else { return worker.freeSlots > 0 }
        return worker.roomAhead(perSlot: configuration.tasksAheadPerSlot) > 0
            && worker.lastResult.map { now - $0 < configuration.queueAheadBelow } == true
    }

    /// Whether `job`'s tasks are short enough to send ahead of free slots.
    func queuesAhead(_ job: JobRecord) -> Bool {
        job.taskTime.map { $0 < configuration.queueAheadBelow } ?? false
    }

    /// A free, recently heard worker: not one that lost this task before when another is free,
    /// then one holding the job's datasets, then the most free slots, then the smallest id.
    func bestWorker(for job: String, task: Int, ahead: Bool = false) -> WorkerID? {
        guard let record = jobs[job], let avoid = record.task(task)?.avoid else { return nil }
        let excluded = excludedFromCheck(job: job, task: task)
        let candidates = workers.values.filter { isAvailable($0, ahead: ahead) && !excluded.contains($0.id) }
        func rank(_ worker: WorkerRecord) -> (Int, Int, Int) {
            (avoid.contains(worker.id) ? 1 : 0, record.datasets.isSubset(of: worker.cached) ? 0 : 1,
             -(ahead ? worker.roomAhead(perSlot: configuration.tasksAheadPerSlot) : worker.freeSlots))
        }
        return candidates.min { lhs, rhs in
            let (l, r) = (rank(lhs), rank(rhs))
            return l != r ? l < r : lhs.id < rhs.id
        }?.id
    }
}
