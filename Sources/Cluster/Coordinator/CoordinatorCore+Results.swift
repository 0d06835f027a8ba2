import Datasets
import Logging
import Wire

extension CoordinatorCore {
    /// Every task has a result: its metrics are computed off the loop from the stored results.
    func requestMetrics(for job: String, into out: inout [CoordinatorOutput]) {
        guard let active = jobs[job] else { return }
        out.append(.computeMetrics(MetricsRequest(job: active, wallSeconds: (now - active.startedAt).seconds)))
    }

    /// Metrics computed: they are written with the predictions, and the job completes once they are.
    mutating func finishMetrics(_ job: String, _ result: Result<ComputedMetrics, MetricsFailure>, into out: inout [CoordinatorOutput]) {
        switch result {
        case .success(let metrics):
            out.append(.persist(.finished(job: job, metrics)))
        case .failure(let failure):
            markFinished(job, state: .failed, message: "metrics could not be computed: \(failure)", into: &out)
        }
    }

    /// The metrics' write returned: the job is completed, or (the store refused it; a full disk is
    /// often freed soon) the write is tried again for a while before the job fails.
    mutating func metricsKept(_ job: String, _ metrics: ComputedMetrics, error: JobStoreError?, into out: inout [CoordinatorOutput]) {
        guard let error else {
            unsavedMetrics[job] = nil
            markFinished(job, state: .completed, message: nil, into: &out)
            return
        }
        var pending: UnsavedMetrics
        if let earlier = unsavedMetrics[job] {
            pending = earlier
            pending.attemptsLeft -= 1
        } else {
            pending = UnsavedMetrics(metrics: metrics, retryAt: now)
            out.append(.log(.error, "could not store a job's metrics; retrying", [
                "job": "\(job)", "error": "\(error)",
                "retry_seconds": "\(Int(UnsavedMetrics.retryInterval.seconds))", "attempts": "\(UnsavedMetrics.attempts)",
            ]))
        }
        guard pending.attemptsLeft > 0 else {
            unsavedMetrics[job] = nil
            markFinished(job, state: .failed, message: "the job store could not keep the metrics: \(error)", into: &out)
            return
        }
        pending.retryAt = now + UnsavedMetrics.retryInterval
        pending.writing = false
        unsavedMetrics[job] = pending
    }

    /// Writes again the metrics the store refused, when their retry is due.
    mutating func retryMetricsWrites(into out: inout [CoordinatorOutput]) {
        for (job, pending) in unsavedMetrics.sorted(by: { $0.key < $1.key }) where !pending.writing && pending.retryAt <= now {
            unsavedMetrics[job]?.writing = true
            out.append(.persist(.finished(job: job, pending.metrics)))
        }
    }

    /// Rebuilds a job's plan from its stored spec (after a restart).
    func rebuilding(_ stored: StoredJob) -> Result<ActiveJob, Refusal> {
        prepareJob(stored.spec).map { job in
            ActiveJob(id: stored.id, spec: job.spec, dataset: job.dataset, holdout: job.holdout, plan: job.plan,
                      startedAt: now, state: stored.state)
        }
    }

    /// Puts unfinished jobs of the store back into the scheduler; tasks with stored results are not
    /// run again. Also remembers the SUBMIT request ids of stored jobs, so a client resending a
    /// SUBMIT across a restart gets its job rather than a second one.
    ///
    /// Reads the store and opens the jobs' datasets: blocking. The shell calls it once, on a
    /// thread of its own, before its event loop starts.
    public mutating func resumeUnfinishedJobs() -> [CoordinatorOutput] {
        var out: [CoordinatorOutput] = []
        let stored: [StoredJob]
        do {
            stored = try store.jobs()
        } catch {
            out.append(.log(.error, "cannot read the job store; no job resumed", ["error": "\(error)"]))
            return out
        }
        for job in stored {
            if let request = job.request { submissions[submissionKey(request, owner: job.owner)] = job.id }
        }
        recordHolders(of: stored)
        for job in stored where !job.state.isFinal {
            for hash in job.spec.datasetHashes where !registry.contains(hash) {
                if let dataset = try? store.openDataset(hash: hash) { registry.register(hash: hash, dataset: dataset) }
            }
            let active: ActiveJob
            switch rebuilding(job) {
            case .success(let rebuilt):
                active = rebuilt
            case .failure(let refusal):
                markFinished(job.id, state: .failed, message: "could not be resumed: \(refusal.message)", into: &out)
                continue
            }
            let results: Int
            let done: Set<Int>
            let lost: [Int: LostAttempts]
            do {
                let stored = try store.results(of: job.id)
                done = Set(stored.keys)
                results = stored.count
                lost = try store.lostAttempts(of: job.id)
            } catch {
                // Left unfinished in the store: the next restart, with the disk readable, resumes it.
                out.append(.log(.error, "cannot read a job's results; it is not resumed", [
                    "job": "\(job.id)", "error": "\(error)",
                ]))
                continue
            }
            jobs[job.id] = active
            let labels = (0..<active.taskCount).map { task in
                let label = active.label(of: task)
                return TaskLabel(repeatIndex: label.repeatIndex, fold: label.fold, done: done.contains(task),
                                 attemptsLost: lost[task]?.count ?? 0)
            }
            out.append(.log(.info, "job resumed", [
                "job": "\(job.id)", "done": "\(results)", "tasks": "\(active.taskCount)",
                "attempts_lost": "\(lost.values.reduce(0) { $0 + $1.count })",
            ]))
            let event = SchedulerEvent.jobAdded(
                job: job.id, datasets: active.datasets, tasks: labels, verify: verifyRequest(for: job.spec))
            apply(scheduler.handle(event, now: now), into: &out)
        }
        return out
    }
}
