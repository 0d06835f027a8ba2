extension Scheduler {
    /// Sends due heartbeats and buries workers silent for `liveness` beats.
    mutating func checkWorkers(into actions: inout [SchedulerAction]) {
        for id in workers.keys.sorted() {
            guard let worker = workers[id] else { continue }
            if now - worker.lastSeen >= configuration.deadAfter {
                let silence = Double((now - worker.lastSeen).components.seconds)
                loseWorker(id, reason: "nothing heard for \(Int(silence)) s", into: &actions)
                actions.append(.disconnect(id, reason: "presumed dead after \(configuration.liveness) missed heartbeats"))
            } else if now - worker.lastBeatSent >= configuration.heartbeatInterval {
                workers[id]?.lastBeatSent = now
                actions.append(.heartbeat(id))
            }
        }
    }

    /// Hands tasks whose lease lapsed to another worker.
    mutating func checkLeases(into actions: inout [SchedulerAction]) {
        // No copy of a job's record is held while `lose` changes it (that would copy every task).
        for job in jobOrder {
            for index in jobs[job]?.leased.sorted() ?? [] {
                for lease in jobs[job]?.task(index)?.leases ?? [] where !lease.persisting && lease.deadline <= now {
                    let attempt = TaskAttempt(job: job, task: index, attempt: lease.attempt)
                    actions.append(.cancel(lease.worker, attempt))
                    lose(attempt, loss: .leaseExpired(lease.worker), into: &actions)
                }
            }
        }
    }

    /// Stops the lease of an attempt whose result is being written from lapsing.
    mutating func holdLease(_ attempt: TaskAttempt, by worker: WorkerID) {
        guard jobs[attempt.job]?.task(attempt.task)?.leases.contains(where: { $0.attempt == attempt.attempt && $0.worker == worker })
                == true
        else { return }
        jobs[attempt.job]?.updateLease(of: attempt.task, attempt: attempt.attempt) { $0.persisting = true }
    }

    mutating func renewLease(_ attempt: TaskAttempt, by worker: WorkerID) {
        guard jobs[attempt.job]?.task(attempt.task)?.leases.contains(where: { $0.attempt == attempt.attempt && $0.worker == worker })
                == true
        else { return }
        let deadline = now + configuration.lease
        jobs[attempt.job]?.updateLease(of: attempt.task, attempt: attempt.attempt) { $0.deadline = deadline }
    }

    /// Forgets a worker and requeues everything it held, except the attempts in `keeping` (which
    /// the same worker, registering again, still holds).
    mutating func loseWorker(
        _ id: WorkerID, reason: String, keeping: Set<TaskAttempt> = [], into actions: inout [SchedulerAction]
    ) {
        guard let worker = workers.removeValue(forKey: id) else { return }
        for attempt in worker.running.sorted(by: { ($0.job, $0.task, $0.attempt) < ($1.job, $1.task, $1.attempt) })
        where !keeping.contains(attempt) {
            lose(attempt, loss: .workerLost(id, reason), into: &actions)
        }
    }

    /// Moves the leases of attempts a (re)registering worker says it holds to it, with a fresh
    /// deadline: a worker that reconnected after an outage keeps the folds it is still computing.
    /// Attempts whose lease is gone (already requeued) are left alone; their result still counts
    /// if it comes first.
    mutating func adopt(_ holding: Set<TaskAttempt>, by id: WorkerID) {
        for attempt in holding {
            guard let lease = jobs[attempt.job]?.task(attempt.task)?.leases.first(where: { $0.attempt == attempt.attempt })
            else { continue }
            workers[lease.worker]?.running.remove(attempt)
            let deadline = now + configuration.lease
            jobs[attempt.job]?.updateLease(of: attempt.task, attempt: attempt.attempt) {
                $0 = Lease(attempt: attempt.attempt, worker: id, deadline: deadline, assigned: $0.assigned)
            }
            workers[id]?.running.insert(attempt)
        }
    }

    /// Ends one attempt without a result: requeue at the head, or fail the job past `maxAttempts`.
    mutating func lose(_ attempt: TaskAttempt, loss: AttemptLoss, into actions: inout [SchedulerAction]) {
        let worker: WorkerID
        switch loss {
        case .workerLost(let id, _), .leaseExpired(let id), .failed(let id, _): worker = id
        }
        workers[worker]?.running.remove(attempt)
        if loseCheck(attempt) { return }
        let holds = jobs[attempt.job].map { job in
            !job.finished && job.task(attempt.task)?.leases.contains(where: { $0.attempt == attempt.attempt }) == true
        }
        guard holds == true else { return }
        jobs[attempt.job]?.removeLeases(of: attempt.task) { $0.attempt == attempt.attempt }
        jobs[attempt.job]?.recordLoss(of: attempt.task, on: worker, loss)
        guard let task = jobs[attempt.job]?.task(attempt.task) else { return }
        if task.done || !task.leases.isEmpty || jobs[attempt.job]?.queue.contains(attempt.task) == true { return }
        if task.attempts >= configuration.maxAttempts {
            failJob(
                attempt.job,
                reason: "\(Self.name(task.label)) failed \(task.attempts) times; last: \(loss)",
                into: &actions)
            return
        }
        jobs[attempt.job]?.requeueAtFront(attempt.task)
        actions.append(.requeued(attempt, loss))
    }
}

extension Scheduler {
    /// Live workers (heard from within `missingAfter` beats) that hold `dataset` whole, by id.
    public func holders(of dataset: String) -> [WorkerID] {
        let window = configuration.heartbeatInterval * configuration.missingAfter
        return workers.values
            .filter { $0.cached.contains(dataset) && now - $0.lastSeen < window }
            .map(\.id)
            .sorted()
    }
}
