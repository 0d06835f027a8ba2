import Datasets
import Evaluation
import Folds
import Learners
import Logging
import Wire

extension CoordinatorCore {
    mutating func handleClient(
        _ peer: PeerID, _ request: ClientRequest, identity: String? = nil, into out: inout [CoordinatorOutput]
    ) {
        switch request {
        case .info(let id):
            let counts = scheduler.workerCounts
            let running = jobs.values.filter { $0.state == .running }.count
            var info = ClientReply.ClusterInfo(
                request: id.request, software: software, workers: counts.workers, slots: counts.slots, jobs: running)
            let quarantined = scheduler.quarantinedWorkers.keys.map(\.rawValue).sorted()
            info.quarantined = quarantined.isEmpty ? nil : quarantined
            info.memoryBytes = memoryBytes
            out.append(.toClient(peer, .info(info)))
        case .has(let request, let dataset):
            out.append(.toClient(peer, .has(request: request, dataset: dataset, present: hasDataset(dataset, for: identity))))
        case .upload(let upload, let bytes):
            receiveUpload(from: peer, identity: identity, upload, bytes: bytes, into: &out)
        case .submit(let request, let spec):
            submit(spec, request: request, from: peer, owner: owner(for: identity), into: &out)
        case .jobs(let id):
            do {
                let statuses = try store.jobs().filter { mayUse($0, identity) }.map { status(of: overlaid($0)) }
                out.append(.toClient(peer, .jobs(request: id.request, jobs: statuses)))
            } catch {
                out.append(refusal(peer, id.request, "store-failed", "cannot read the job store: \(error)"))
            }
        case .status(let request, let job):
            guard let stored = visibleJob(job, to: identity) else {
                out.append(unknownJob(peer, request, job))
                return
            }
            out.append(.toClient(peer, .status(request: request, status: status(of: stored))))
        case .cancel(let request, let job):
            guard let stored = visibleJob(job, to: identity) else {
                out.append(unknownJob(peer, request, job))
                return
            }
            if !stored.state.isFinal {
                apply(scheduler.handle(.cancelJob(job, reason: "cancelled by a client"), now: now), into: &out)
            }
            out.append(.toClient(peer, .cancelled(request: request, job: job)))
        case .results(let request, let job, let predictions, let page):
            sendResults(ResultsQuery(request: request, job: job, predictions: predictions, page: page), to: peer, identity: identity, into: &out)
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
    /// not record it (or has not yet).
    func overlaid(_ stored: StoredJob) -> StoredJob {
        guard let active = jobs[stored.id], active.state.isFinal, !stored.state.isFinal else { return stored }
        var job = stored
        job.state = active.state
        job.message = active.message
        return job
    }

    /// Whether the coordinator holds the dataset: registered, or in the store's index.
    func hasDataset(_ hash: String) -> Bool {
        registry.contains(hash) || store.hasDataset(hash: hash)
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
        var status = JobStatus(
            job: stored.id, state: stored.state, datasetName: stored.spec.datasetName, model: stored.spec.model,
            tasksTotal: total, tasksDone: done, tasksRunning: progress?.running ?? 0,
            attemptsLost: retried[stored.id] ?? 0, workers: counts.workers, workersBusy: counts.busy,
            elapsedSeconds: elapsed, etaSeconds: eta, message: stored.message,
            configurations: stored.spec.configurations?.count)
        status.verification = scheduler.verification(of: stored.id) ?? active?.verification
        return status
    }

    /// What the unfinished jobs will need at their peaks (`JobLimits.coordinatorBytesPerTask`), and
    /// how many they are: a new job's memory is what is left.
    var heldJobBytes: (bytes: Int, jobs: Int) {
        jobs.values.reduce(into: (bytes: 0, jobs: 0)) { held, job in
            guard !job.state.isFinal else { return }
            let bytes = job.taskCount.multipliedReportingOverflow(
                by: JobLimits.coordinatorBytesPerTask(concepts: job.dataset.conceptCount))
            let sum = held.bytes.addingReportingOverflow(bytes.partialValue)
            held.bytes = bytes.overflow || sum.overflow ? .max : sum.partialValue
            held.jobs += 1
        }
    }

    mutating func submit(
        _ spec: JobSpec, request: String, from peer: PeerID, owner: String?, into out: inout [CoordinatorOutput]
    ) {
        if let job = submissions[submissionKey(request, owner: owner)] {
            if creating[job] != nil {
                // Still being written: this resend is answered with the first.
                creating[job]?.append((peer, request))
            } else {
                out.append(.toClient(peer, .submitted(request: request, job: job)))
            }
            return
        }
        // A dataset the store holds but this process has not opened yet is opened off the loop;
        // the submission waits for it.
        let hashes = spec.datasetHashes
        // A dataset of another key's is refused as if absent (prepareJob's message), before it is
        // opened, so the answer does not depend on whether it exists.
        if let hidden = hashes.first(where: { hasDataset($0) && !hasDataset($0, for: owner) }) {
            let message = hidden == spec.dataset
                ? "the coordinator does not hold dataset \(hidden); upload it with `crossfold submit`"
                : "the coordinator does not hold holdout dataset \(hidden); upload it first"
            out.append(refusal(peer, request, "unknown-dataset", message))
            return
        }
        let missing = hashes.filter { !registry.contains($0) && store.hasDataset(hash: $0) }
        if let hash = missing.first {
            if opening[hash] == nil { out.append(.openDataset(hash)) }
            opening[hash, default: []].append(PendingSubmission(peer: peer, request: request, spec: spec, owner: owner))
            return
        }
        let prepared: ActiveJob
        switch prepareJob(spec) {
        case .success(let job): prepared = job
        case .failure(let refusal):
            out.append(.toClient(peer, .error(ErrorReply(request: request, code: refusal.code, message: refusal.message))))
            return
        }
        jobs[prepared.id] = prepared
        submissions[submissionKey(request, owner: owner)] = prepared.id
        creating[prepared.id] = [(peer, request)]
        out.append(.persist(.createJob(StoredJob(
            id: prepared.id, spec: spec, request: request, state: .running, createdAt: WallClock.seconds(), owner: owner))))
    }

    /// A job's creation was written (or refused): answer the clients and start it.
    mutating func jobCreated(_ stored: StoredJob, error: JobStoreError?, into out: inout [CoordinatorOutput]) {
        let waiting = creating.removeValue(forKey: stored.id) ?? []
        guard let prepared = jobs[stored.id] else { return }
        if let error {
            jobs[stored.id] = nil
            for (peer, request) in waiting {
                submissions[submissionKey(request, owner: stored.owner)] = nil
                out.append(refusal(peer, request, "store-failed", "the job store cannot record the job: \(error)"))
            }
            return
        }
        out.append(.log(.info, "job accepted", [
            "job": "\(prepared.id)", "dataset": "\(stored.spec.datasetName)", "model": "\(stored.spec.model)",
            "tasks": "\(prepared.taskCount)",
        ]))
        for (peer, request) in waiting { out.append(.toClient(peer, .submitted(request: request, job: prepared.id))) }
        let event = SchedulerEvent.jobAdded(
            job: prepared.id, datasets: prepared.datasets, tasks: prepared.labels, verify: verifyRequest(for: stored.spec))
        apply(scheduler.handle(event, now: now), into: &out)
    }

    /// A stored dataset is open (or could not be): the submissions waiting for it go on.
    mutating func datasetOpened(_ hash: String, _ result: Result<Dataset?, JobStoreError>, into out: inout [CoordinatorOutput]) {
        let waiting = opening.removeValue(forKey: hash) ?? []
        switch result {
        case .success(let dataset?):
            registry.register(hash: hash, dataset: dataset)
        case .success(nil):
            out.append(.log(.warning, "a stored dataset could not be opened; it must be uploaded again", ["dataset": "\(hash)"]))
        case .failure(let error):
            out.append(.log(.error, "cannot read a stored dataset", ["dataset": "\(hash)", "error": "\(error)"]))
        }
        for pending in waiting {
            if registry.contains(hash) {
                submit(pending.spec, request: pending.request, from: pending.peer, owner: pending.owner, into: &out)
            } else {
                out.append(refusal(pending.peer, pending.request, "unknown-dataset",
                                   "the coordinator cannot read dataset \(hash) any more; upload it again with `crossfold submit`"))
            }
        }
    }

    struct Refusal: Error {
        let code: String
        let message: String
    }

    /// Checks a submission and builds its fold plan; refusals say what to do. Its datasets must be
    /// registered (uploaded, or opened from the store).
    func prepareJob(_ spec: JobSpec) -> Result<ActiveJob, Refusal> {
        guard let dataset = registry.entry(spec.dataset)?.dataset else {
            return .failure(Refusal(code: "unknown-dataset",
                                    message: "the coordinator does not hold dataset \(spec.dataset); upload it with `crossfold submit`"))
        }
        if let refusal = SweepRules.refusal(spec) { return .failure(Refusal(code: "usage", message: refusal)) }
        // Whether a learner can learn the dataset depends on the model alone (a scan of every row
        // for some): once per model, however many of its configurations a sweep has.
        var checked: Set<String> = []
        for configuration in spec.configurationList {
            do {
                let learner = LearnerSpec(model: configuration.model, params: configuration.params, seed: spec.seed)
                try LearnerCatalog.validate(learner)
                if checked.insert(configuration.model).inserted {
                    try LearnerCatalog.check(learner, canLearn: dataset, source: spec.datasetName)
                }
            } catch {
                let which = spec.isSweep ? "configuration '\(configuration.label)': " : ""
                return .failure(Refusal(code: "usage", message: which + error.description))
            }
        }
        guard (0...1).contains(spec.threshold) else {
            return .failure(Refusal(code: "usage", message: "--threshold \(spec.threshold) is outside 0...1"))
        }
        if let verify = spec.verify, !(0...1).contains(verify) {
            return .failure(Refusal(code: "usage", message: "--verify \(verify) is outside 0...1"))
        }
        if let testSet = spec.testSet, TestSetSource.Scope(rawValue: testSet) == nil {
            return .failure(Refusal(code: "usage", message: "--test-set \(testSet) is not split or all"))
        }
        if let holdoutHash = spec.holdout {
            guard let raw = registry.entry(holdoutHash)?.dataset else {
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
        // Counts below 1 are the planner's to refuse.
        if spec.folds > 0, spec.repeats > 0 {
            let tooLarge = JobLimits.resultRefusal(tasks: spec.taskCount, conceptIDs: dataset.concepts)
                ?? JobLimits.memoryRefusal(
                    tasks: spec.taskCount, concepts: dataset.conceptCount, memoryBytes: memoryBytes, held: heldJobBytes)
            if let tooLarge { return .failure(Refusal(code: "usage", message: tooLarge)) }
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

    /// RESULTS: refused here when the job is unknown or not completed, otherwise answered off the
    /// loop from the store (`.serveResults`).
    func sendResults(_ query: ResultsQuery, to peer: PeerID, identity: String?, into out: inout [CoordinatorOutput]) {
        guard let stored = visibleJob(query.job, to: identity) else {
            out.append(unknownJob(peer, query.request, query.job))
            return
        }
        guard stored.state == .completed else {
            let why = stored.state == .failed || stored.state == .cancelled
                ? "job \(query.job) \(stored.state.rawValue): \(stored.message ?? "no reason recorded")"
                : "job \(query.job) is still \(stored.state.rawValue); wait with `crossfold watch \(query.job)`"
            out.append(refusal(peer, query.request, "not-completed", why))
            return
        }
        out.append(.serveResults(ResultsRequest(client: peer, query: query, job: stored)))
    }

    /// Tasks of a job: folds × repeats (or one for a holdout job), times a sweep's configurations.
    static func taskCount(of spec: JobSpec) -> Int {
        (spec.holdout == nil ? spec.folds * spec.repeats : 1) * spec.configurationList.count
    }
}
