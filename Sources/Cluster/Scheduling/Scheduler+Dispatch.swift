extension Scheduler {
    /// Fills free slots: the running job with the fewest running tasks goes first (oldest on ties),
    /// its next queued task goes to the best free worker.
    mutating func dispatch(into actions: inout [SchedulerAction]) {
        while let job = nextJob(), let task = jobs[job]?.queue.first, let worker = bestWorker(for: job, task: task) {
            let number = (jobs[job]?.task(task)?.attempts ?? 0) + 1
            _ = jobs[job]?.popQueue()
            jobs[job]?.startAttempt(of: task, lease: Lease(attempt: number, worker: worker, deadline: now + configuration.lease))
            let attempt = TaskAttempt(job: job, task: task, attempt: number)
            workers[worker]?.running.insert(attempt)
            actions.append(.assign(worker, attempt))
        }
    }

    func nextJob() -> String? {
        guard workers.values.contains(where: isAvailable) else { return nil }
        var best: (job: String, running: Int)?
        for job in jobOrder {
            guard let record = jobs[job], !record.finished, !record.queue.isEmpty else { continue }
            if let current = best, current.running <= record.running { continue }
            best = (job, record.running)
        }
        return best?.job
    }

    func isAvailable(_ worker: WorkerRecord) -> Bool {
        worker.freeSlots > 0 && now - worker.lastSeen < configuration.heartbeatInterval * configuration.missingAfter
    }

    /// A free, recently heard worker: not one that lost this task before when another is free,
    /// then one holding the job's datasets, then the most free slots, then the smallest id.
    func bestWorker(for job: String, task: Int) -> WorkerID? {
        guard let record = jobs[job], let avoid = record.task(task)?.avoid else { return nil }
        let candidates = workers.values.filter(isAvailable)
        func rank(_ worker: WorkerRecord) -> (Int, Int, Int) {
            (avoid.contains(worker.id) ? 1 : 0, record.datasets.isSubset(of: worker.cached) ? 0 : 1, -worker.freeSlots)
        }
        return candidates.min { lhs, rhs in
            let (l, r) = (rank(lhs), rank(rhs))
            return l != r ? l < r : lhs.id < rhs.id
        }?.id
    }
}
