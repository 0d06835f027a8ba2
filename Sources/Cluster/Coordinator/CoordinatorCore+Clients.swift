import Datasets
import Folds
import Learners
import Logging
import Wire

extension CoordinatorCore {
    func handleClient(_ peer: PeerID, _ request: ClientRequest, into out: inout [CoordinatorOutput]) {
        switch request {
        case .info(let id):
            let counts = scheduler.workerCounts
            let running = jobs.values.filter { $0.state == .running }.count
            out.append(.toClient(peer, .info(.init(
                request: id.request, software: software, workers: counts.workers, slots: counts.slots, jobs: running))))
        case .has(let request, let dataset):
            out.append(.toClient(peer, .has(request: request, dataset: dataset, present: hasDataset(dataset))))
        case .upload(let upload, let bytes):
            receiveUpload(from: peer, upload, bytes: bytes, into: &out)
        case .submit(let request, let spec):
            submit(spec, request: request, from: peer, into: &out)
        case .jobs(let id):
            do {
                let statuses = try store.jobs().map { status(of: overlaid($0)) }
                out.append(.toClient(peer, .jobs(request: id.request, jobs: statuses)))
            } catch {
                out.append(refusal(peer, id.request, "store-failed", "cannot read the job store: \(error)"))
            }
        case .status(let request, let job):
            guard let stored = storedJob(job) else {
                out.append(unknownJob(peer, request, job))
                return
            }
            out.append(.toClient(peer, .status(request: request, status: status(of: stored))))
        case .cancel(let request, let job):
            guard let stored = storedJob(job) else {
                out.append(unknownJob(peer, request, job))
                return
            }
            if !stored.state.isFinal {
                apply(scheduler.handle(.cancelJob(job, reason: "cancelled by a client"), now: now), into: &out)
            }
            out.append(.toClient(peer, .cancelled(request: request, job: job)))
        case .results(let request, let job, let predictions):
            sendResults(of: job, request: request, predictions: predictions, to: peer, into: &out)
        }
    }

    func refusal(_ peer: PeerID, _ request: String, _ code: String, _ message: String) -> CoordinatorOutput {
        .toClient(peer, .error(ErrorReply(request: request, code: code, message: message)))
    }

    func unknownJob(_ peer: PeerID, _ request: String, _ job: String) -> CoordinatorOutput {
        refusal(peer, request, "unknown-job", "no job \(job) on this coordinator; `crossfold jobs` lists them")
    }

    func storedJob(_ id: String) -> StoredJob? {
        guard let stored = try? store.job(id) else { return nil }
        return overlaid(stored)
    }

    /// The stored job with this process's view of its end, which is newer when the store could
    /// not record it.
    func overlaid(_ stored: StoredJob) -> StoredJob {
        guard let active = jobs[stored.id], active.state.isFinal, !stored.state.isFinal else { return stored }
        var job = stored
        job.state = active.state
        job.message = active.message
        return job
    }

    func hasDataset(_ hash: String) -> Bool {
        if registry.contains(hash) { return true }
        guard let bytes = try? store.dataset(hash: hash),
              let dataset = try? CanonicalDataset.decode(bytes, file: "stored dataset \(hash.prefix(12))")
        else { return false }
        registry.register(hash: hash, bytes: bytes, dataset: dataset)
        return true
    }

    func status(of stored: StoredJob) -> JobStatus {
        let counts = scheduler.workerCounts
        let active = jobs[stored.id]
        let progress = scheduler.progress(of: stored.id)
        let total = progress?.total ?? active?.taskCount ?? Self.taskCount(of: stored.spec)
        let done = stored.state == .completed ? total : (progress?.done ?? (try? store.resultCount(of: stored.id)) ?? 0)
        let elapsed: Double
        if stored.state.isFinal, let finishedAt = stored.finishedAt {
            elapsed = max(0, finishedAt - stored.createdAt)
        } else {
            elapsed = active.map { (now - $0.startedAt).seconds } ?? 0
        }
        var eta: Double?
        if let active, let progress, !active.taskSeconds.isEmpty {
            // Remaining tasks spread over the slots that can take them, at the mean task time so far.
            let remaining = progress.total - progress.done
            let mean = active.taskSeconds.reduce(0, +) / Double(active.taskSeconds.count)
            eta = mean * (Double(remaining) / Double(max(1, min(counts.slots, remaining)))).rounded(.up)
        }
        return JobStatus(
            job: stored.id, state: stored.state, datasetName: stored.spec.datasetName, model: stored.spec.model,
            tasksTotal: total, tasksDone: done, tasksRunning: progress?.running ?? 0,
            attemptsLost: retried[stored.id] ?? 0, workers: counts.workers, workersBusy: counts.busy,
            elapsedSeconds: elapsed, etaSeconds: eta, message: stored.message)
    }

    func submit(_ spec: JobSpec, request: String, from peer: PeerID, into out: inout [CoordinatorOutput]) {
        if let job = submissions[request] {
            out.append(.toClient(peer, .submitted(request: request, job: job)))
            return
        }
        let prepared: ActiveJob
        switch prepareJob(spec) {
        case .success(let job): prepared = job
        case .failure(let refusal):
            out.append(.toClient(peer, .error(ErrorReply(request: request, code: refusal.code, message: refusal.message))))
            return
        }
        do {
            try store.create(StoredJob(
                id: prepared.id, spec: spec, request: request, state: .running, createdAt: wallClockSeconds()))
        } catch {
            out.append(refusal(peer, request, "store-failed", "the job store cannot record the job: \(error)"))
            return
        }
        jobs[prepared.id] = prepared
        submissions[request] = prepared.id
        out.append(.log(.info, "job accepted", [
            "job": "\(prepared.id)", "dataset": "\(spec.datasetName)", "model": "\(spec.model)",
            "tasks": "\(prepared.taskCount)",
        ]))
        out.append(.toClient(peer, .submitted(request: request, job: prepared.id)))
        let event = SchedulerEvent.jobAdded(job: prepared.id, datasets: prepared.datasets, tasks: prepared.labels)
        apply(scheduler.handle(event, now: now), into: &out)
    }

    struct Refusal: Error {
        let code: String
        let message: String
    }

    /// Checks a submission and builds its fold plan; refusals say what to do.
    func prepareJob(_ spec: JobSpec) -> Result<ActiveJob, Refusal> {
        guard hasDataset(spec.dataset), let dataset = registry.entry(spec.dataset)?.dataset else {
            return .failure(Refusal(code: "unknown-dataset",
                                    message: "the coordinator does not hold dataset \(spec.dataset); upload it with `crossfold submit`"))
        }
        do {
            let learner = LearnerSpec(model: spec.model, params: spec.params, seed: spec.seed)
            _ = try LearnerCatalog.make(learner)
            try LearnerCatalog.check(learner, canLearn: dataset, source: spec.datasetName)
        } catch {
            return .failure(Refusal(code: "usage", message: error.description))
        }
        guard (0...1).contains(spec.threshold) else {
            return .failure(Refusal(code: "usage", message: "--threshold \(spec.threshold) is outside 0...1"))
        }
        if let holdoutHash = spec.holdout {
            guard hasDataset(holdoutHash), let raw = registry.entry(holdoutHash)?.dataset else {
                return .failure(Refusal(code: "unknown-dataset",
                                        message: "the coordinator does not hold holdout dataset \(holdoutHash); upload it first"))
            }
            do {
                let holdout = try DatasetValidator.alignHoldout(
                    raw, file: spec.holdoutName ?? "holdout", to: dataset, trainingFile: spec.datasetName)
                return .success(ActiveJob(id: makeJobID(), spec: spec, dataset: dataset, holdout: holdout, plan: nil,
                                          startedAt: now))
            } catch {
                return .failure(Refusal(code: "invalid-dataset", message: error.description))
            }
        }
        guard let strategy = SplitStrategy(rawValue: spec.split) else {
            let known = SplitStrategy.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(Refusal(code: "usage", message: "unknown split \(spec.split); use one of \(known)"))
        }
        if let tooLarge = JobLimits.refusal(folds: spec.folds, repeats: spec.repeats, rows: dataset.rowCount) {
            return .failure(Refusal(code: "usage", message: tooLarge))
        }
        do {
            let plan = try FoldPlanner.plan(
                for: dataset, strategy: strategy, folds: spec.folds, repeats: spec.repeats, seed: spec.seed,
                source: spec.datasetName)
            return .success(ActiveJob(id: makeJobID(), spec: spec, dataset: dataset, holdout: nil, plan: plan, startedAt: now))
        } catch {
            switch error {
            case .usage(let usage): return .failure(Refusal(code: "usage", message: usage.description))
            case .dataset(let invalid): return .failure(Refusal(code: "invalid-dataset", message: invalid.description))
            }
        }
    }

    func sendResults(of job: String, request: String, predictions: Bool, to peer: PeerID, into out: inout [CoordinatorOutput]) {
        guard let stored = storedJob(job) else {
            out.append(unknownJob(peer, request, job))
            return
        }
        guard stored.state == .completed, let metrics = try? store.metrics(of: job) else {
            let why = stored.state == .failed || stored.state == .cancelled
                ? "job \(job) \(stored.state.rawValue): \(stored.message ?? "no reason recorded")"
                : "job \(job) is still \(stored.state.rawValue); wait with `crossfold watch \(job)`"
            out.append(refusal(peer, request, "not-completed", why))
            return
        }
        // After a restart the job's datasets are read back from the store on first use.
        _ = hasDataset(stored.spec.dataset)
        let concepts = registry.entry(stored.spec.dataset)?.dataset.concepts ?? []
        var ids: [String] = []
        var pairs: [(folds: [Int32], scores: [Float])] = []
        if predictions {
            guard let evaluated = registry.entry(stored.spec.holdout ?? stored.spec.dataset)?.dataset,
                  let assembled = assemblePredictions(stored)
            else {
                out.append(refusal(peer, request, "not-available",
                                   "the datasets of job \(job) are no longer held, so its predictions cannot be assembled"))
                return
            }
            ids = evaluated.ids
            pairs = assembled
        }
        let header = ClientReply.ResultsHeader(
            request: request, job: job, state: stored.state, rows: evaluatedRowCount(stored), conceptIds: concepts,
            repeats: pairs.count)
        out.append(.toClient(peer, .results(header, metrics: metrics, inputIDs: ids, predictions: pairs)))
    }

    /// Tasks of a job: folds × repeats, or one for a holdout job.
    static func taskCount(of spec: JobSpec) -> Int {
        spec.holdout == nil ? spec.folds * spec.repeats : 1
    }

    func evaluatedRowCount(_ stored: StoredJob) -> Int {
        let hash = stored.spec.holdout ?? stored.spec.dataset
        _ = hasDataset(hash)
        return registry.entry(hash)?.dataset.rowCount ?? 0
    }

    func wallClockSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#endif
