import Datasets
import Logging
import Wire

extension CoordinatorCore {
    /// Every task has a result: hand the predictions to the metrics computation.
    func requestMetrics(for job: String, into out: inout [CoordinatorOutput]) {
        guard let active = jobs[job], let results = try? store.results(of: job) else {
            markFinished(job, state: .failed, message: "results of job \(job) could not be read back", into: &out)
            return
        }
        var predictions: [FoldPredictions] = []
        var workers: [String] = []
        var seconds: [Double] = []
        let concepts = active.dataset.conceptCount
        for task in 0..<active.taskCount {
            guard let result = results[task] else {
                markFinished(job, state: .failed, message: "task \(task) of job \(job) has no stored result", into: &out)
                return
            }
            let label = active.label(of: task)
            predictions.append(FoldPredictions(
                repeatIndex: label.repeatIndex, fold: label.fold, rows: active.testRows(of: task),
                scores: result.scores, conceptCount: concepts))
            workers.append(result.worker)
            seconds.append(result.seconds)
        }
        let wall = now - active.startedAt
        out.append(.computeMetrics(MetricsRequest(
            job: job, spec: active.spec, evaluated: active.holdout ?? active.dataset, isHoldout: active.holdout != nil,
            predictions: predictions, workers: workers, seconds: seconds,
            wallSeconds: wall.seconds, trainingRows: active.dataset.rowCount)))
    }

    func finishMetrics(_ job: String, _ result: Result<[UInt8], MetricsFailure>, into out: inout [CoordinatorOutput]) {
        switch result {
        case .success(let json):
            do {
                try store.saveMetrics(job: job, json: json)
                markFinished(job, state: .completed, message: nil, into: &out)
            } catch {
                // Every fold is stored; only this file is missing. A full disk is often freed
                // soon, so the write is retried for a while before the job fails.
                out.append(.log(.error, "could not store a job's metrics; retrying", [
                    "job": "\(job)", "error": "\(error)",
                    "retry_seconds": "\(Int(UnsavedMetrics.retryInterval.seconds))",
                    "attempts": "\(UnsavedMetrics.attempts)",
                ]))
                unsavedMetrics[job] = UnsavedMetrics(json: json, retryAt: now + UnsavedMetrics.retryInterval)
            }
        case .failure(let failure):
            markFinished(job, state: .failed, message: "metrics could not be computed: \(failure)", into: &out)
        }
    }

    /// Tries again to store the metrics the store refused; the job completes once they are kept,
    /// or fails with the store's reason after the last attempt.
    func retryMetricsWrites(into out: inout [CoordinatorOutput]) {
        for (job, pending) in unsavedMetrics.sorted(by: { $0.key < $1.key }) where pending.retryAt <= now {
            do {
                try store.saveMetrics(job: job, json: pending.json)
                unsavedMetrics[job] = nil
                markFinished(job, state: .completed, message: nil, into: &out)
            } catch {
                var next = pending
                next.attemptsLeft -= 1
                next.retryAt = now + UnsavedMetrics.retryInterval
                guard next.attemptsLeft > 0 else {
                    unsavedMetrics[job] = nil
                    markFinished(job, state: .failed, message: "the job store could not keep the metrics: \(error)", into: &out)
                    continue
                }
                unsavedMetrics[job] = next
            }
        }
    }

    /// Out-of-fold predictions in input order, one (fold ids, scores) pair per repeat.
    func assemblePredictions(_ stored: StoredJob) -> [(folds: [Int32], scores: [Float])]? {
        guard let active = jobs[stored.id] ?? rebuild(stored), let results = try? store.results(of: stored.id) else {
            return nil
        }
        let rows = (active.holdout ?? active.dataset).rowCount
        let concepts = active.dataset.conceptCount
        let repeats = active.plan?.repeats ?? 1
        var pairs = (0..<repeats).map { _ in
            (folds: [Int32](repeating: -1, count: rows), scores: [Float](repeating: 0, count: rows * concepts))
        }
        for task in 0..<active.taskCount {
            guard let result = results[task] else { return nil }
            let label = active.label(of: task)
            for (position, row) in active.testRows(of: task).enumerated() {
                pairs[label.repeatIndex].folds[row] = Int32(label.fold)
                for concept in 0..<concepts {
                    pairs[label.repeatIndex].scores[row * concepts + concept] = result.scores[position * concepts + concept]
                }
            }
        }
        return pairs
    }

    /// Rebuilds a job's plan from its stored spec (after a restart).
    func rebuild(_ stored: StoredJob) -> ActiveJob? {
        try? rebuilding(stored).get()
    }

    /// Rebuilds a job's plan from its stored spec, or says why it cannot be.
    func rebuilding(_ stored: StoredJob) -> Result<ActiveJob, Refusal> {
        prepareJob(stored.spec).map { job in
            ActiveJob(id: stored.id, spec: job.spec, dataset: job.dataset, holdout: job.holdout, plan: job.plan,
                      startedAt: now, state: stored.state)
        }
    }

    /// Puts unfinished jobs of the store back into the scheduler; tasks with stored results are not
    /// run again. Also remembers the SUBMIT request ids of stored jobs, so a client resending a
    /// SUBMIT across a restart gets its job rather than a second one.
    public func resumeUnfinishedJobs() -> [CoordinatorOutput] {
        var out: [CoordinatorOutput] = []
        let stored: [StoredJob]
        do {
            stored = try store.jobs()
        } catch {
            out.append(.log(.error, "cannot read the job store; no job resumed", ["error": "\(error)"]))
            return out
        }
        for job in stored {
            if let request = job.request { submissions[request] = job.id }
        }
        for job in stored where !job.state.isFinal {
            let active: ActiveJob
            switch rebuilding(job) {
            case .success(let rebuilt):
                active = rebuilt
            case .failure(let refusal):
                markFinished(job.id, state: .failed, message: "could not be resumed: \(refusal.message)", into: &out)
                continue
            }
            let results: [Int: StoredResult]
            let lost: [Int: LostAttempts]
            do {
                results = try store.results(of: job.id)
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
                return TaskLabel(repeatIndex: label.repeatIndex, fold: label.fold, done: results[task] != nil,
                                 attemptsLost: lost[task]?.count ?? 0)
            }
            out.append(.log(.info, "job resumed", [
                "job": "\(job.id)", "done": "\(results.count)", "tasks": "\(active.taskCount)",
                "attempts_lost": "\(lost.values.reduce(0) { $0 + $1.count })",
            ]))
            apply(scheduler.handle(.jobAdded(job: job.id, datasets: active.datasets, tasks: labels), now: now), into: &out)
        }
        return out
    }
}
