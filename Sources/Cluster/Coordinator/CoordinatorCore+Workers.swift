import Datasets
import Logging
import Wire

extension CoordinatorCore {
    mutating func handleWorker(_ peer: PeerID, _ message: WorkerMessage, identity: String?, into out: inout [CoordinatorOutput]) {
        if case .ready(let ready) = message {
            let worker = Self.workerID(peer: peer, identity: identity, name: ready.name)
            if let old = peers[worker], old != peer {
                // The same worker on a new connection (it reconnected or restarted): the old
                // connection is forgotten and the scheduler requeues what it held.
                workerIDs[old] = nil
                out.append(.log(.info, "worker registered again on a new connection", ["worker": "\(worker)"]))
            }
            peers[worker] = peer
            workerIDs[peer] = worker
            out.append(.log(.info, "worker joined", [
                "worker": "\(worker)", "name": "\(ready.name)", "slots": "\(ready.slots)",
                "cached": "\(ready.cached.count)",
            ]))
            let holding = Set((ready.holding ?? []).map(attempt))
            let event = SchedulerEvent.workerReady(
                worker, name: ready.name, slots: ready.slots, cached: Set(ready.cached), holding: holding)
            peerJoined(worker, peer: peer, ready: ready, into: &out)
            apply(scheduler.handle(event, now: now), into: &out)
            return
        }
        guard let worker = workerIDs[peer], scheduler.knows(worker) else {
            // Majordomo's rule: a worker we do not know is told to reconnect and register.
            if case .disconnect = message { return }
            out.append(.toWorker(peer, .disconnect(Reason(reason: "unknown worker: send READY first"))))
            return
        }
        switch message {
        case .ready:
            break
        case .heartbeat:
            apply(scheduler.handle(.workerSeen(worker), now: now), into: &out)
        case .progress(let ref):
            apply(scheduler.handle(.taskProgress(worker, attempt(ref)), now: now), into: &out)
        case .have(let ref):
            apply(scheduler.handle(.workerHas(worker, dataset: ref.dataset), now: now), into: &out)
        case .disconnect(let reason):
            out.append(.log(.info, "worker left", ["worker": "\(worker)", "reason": "\(reason.reason)"]))
            peers[worker] = nil
            workerIDs[peer] = nil
            peerLeft(worker)
            apply(scheduler.handle(.workerGone(worker, reason: "DISCONNECT: \(reason.reason)"), now: now), into: &out)
        case .failed(let failure):
            let ref = TaskRef(job: failure.job, task: failure.task, attempt: failure.attempt)
            out.append(.log(.warning, "task failed on worker", [
                "worker": "\(worker)", "task": "\(attempt(ref))", "kind": "\(failure.kind.rawValue)",
                "message": "\(failure.message)",
            ]))
            let event = SchedulerEvent.taskFailed(
                worker, attempt(ref), message: failure.message, retryable: failure.kind != .learner)
            apply(scheduler.handle(event, now: now), into: &out)
        case .result(let result, let scores):
            receive(result, scores: scores, from: worker, into: &out)
        }
    }

    /// Who a worker is. With CURVE, its key's allowlist name (the ZAP User-Id, which no peer can
    /// forge) followed by the name it announced, so replicas sharing one key stay apart while a
    /// reconnecting worker replaces its own old connection; a name cannot reach into another key's
    /// ids because allowlist names hold no `/`. Without CURVE, its connection's routing id.
    static func workerID(peer: PeerID, identity: String?, name: String) -> WorkerID {
        guard let identity, !identity.isEmpty else { return WorkerID(peer.description) }
        return WorkerID("\(identity)/\(name)")
    }

    func attempt(_ ref: TaskRef) -> TaskAttempt {
        TaskAttempt(job: ref.job, task: ref.task, attempt: ref.attempt)
    }

    mutating func receive(
        _ result: WorkerMessage.TaskResult, scores: [Float], from worker: WorkerID, into out: inout [CoordinatorOutput]
    ) {
        let attempt = TaskAttempt(job: result.job, task: result.task, attempt: result.attempt)
        guard let job = jobs[result.job], (0..<job.taskCount).contains(result.task) else {
            out.append(.log(.debug, "result for a job that is not running", ["task": "\(attempt)"]))
            apply(scheduler.handle(.workerSeen(worker), now: now), into: &out)
            return
        }
        let expectedRows = job.testRowCount(of: result.task)
        guard result.rows == expectedRows, result.concepts == job.dataset.conceptCount else {
            let message = "result shape \(result.rows) x \(result.concepts), expected \(expectedRows) x \(job.dataset.conceptCount)"
            let event = SchedulerEvent.taskFailed(worker, attempt, message: message, retryable: true)
            apply(scheduler.handle(event, now: now), into: &out)
            return
        }
        if scheduler.isCheck(attempt) {
            receiveCheck(result, scores: scores, from: worker, into: &out)
            return
        }
        guard scheduler.reasonToIgnoreResult(of: attempt) == nil else {
            // Late or duplicate: the scheduler says why and drops it.
            apply(scheduler.handle(.taskSucceeded(worker, attempt), now: now), into: &out)
            return
        }
        // Written before the task counts as done: meanwhile the worker's slot is free and the
        // attempt's lease waits; a result the store cannot keep is a lost attempt, so the task goes
        // back to the queue (and the job fails, with the reason, after the last one).
        if scheduler.verifies(result.job) {
            apply(scheduler.handle(.taskDigest(worker, attempt, Self.digest(of: scores)), now: now), into: &out)
        }
        apply(scheduler.handle(.taskResultPending(worker, attempt), now: now), into: &out)
        let record = StoredResult(
            job: result.job, task: result.task, attempt: result.attempt, worker: worker.rawValue,
            seconds: result.seconds, scores: scores)
        let replaces = scheduler.replacesStoredResult(attempt)
        out.append(.persist(replaces ? .recomputedResult(record, worker: worker) : .result(record, worker: worker)))
    }

    /// A result's write returned: the task is done, or (the store refused it) its attempt is lost.
    mutating func resultKept(_ result: StoredResult, by worker: WorkerID, error: JobStoreError?, into out: inout [CoordinatorOutput]) {
        let attempt = TaskAttempt(job: result.job, task: result.task, attempt: result.attempt)
        if let error {
            out.append(.log(.error, "could not store a result; the task goes back to the queue", [
                "task": "\(attempt)", "error": "\(error)",
            ]))
            let event = SchedulerEvent.taskFailed(
                worker, attempt, message: "the job store could not keep its result: \(error)", retryable: true)
            apply(scheduler.handle(event, now: now), into: &out)
            return
        }
        let actions = scheduler.handle(.taskSucceeded(worker, attempt), now: now)
        for case .storeResult(let stored) in actions where stored == attempt {
            jobs[result.job]?.taskSeconds.append(result.seconds)
        }
        apply(actions, into: &out)
    }

    /// Carries out scheduler actions: messages to workers, and job state changes in the store.
    mutating func apply(_ actions: [SchedulerAction], into out: inout [CoordinatorOutput]) {
        for action in actions {
            switch action {
            case .assign(let worker, let attempt):
                let key = TaskKey(job: attempt.job, task: attempt.task)
                if recordingLoss.contains(key) {
                    // Its lost attempt is being written; the TASK follows the write.
                    heldAssignments[key] = (worker, attempt)
                    continue
                }
                sendTask(attempt, to: worker, into: &out)
            case .cancel(let worker, let attempt):
                guard let peer = peers[worker] else { continue }
                out.append(.toWorker(peer, .cancel(TaskRef(job: attempt.job, task: attempt.task, attempt: attempt.attempt))))
            case .heartbeat(let worker):
                if let peer = peers[worker] { out.append(.toWorker(peer, .heartbeat)) }
            case .disconnect(let worker, let reason):
                if let peer = peers.removeValue(forKey: worker) {
                    workerIDs[peer] = nil
                    out.append(.toWorker(peer, .disconnect(Reason(reason: reason))))
                }
                out.append(.log(.warning, "worker presumed dead", ["worker": "\(worker)", "reason": "\(reason)"]))
            case .storeResult, .ignoreResult:
                break
            case .resultsDisagree, .quarantined, .checkSettled, .verificationFinished:
                applyVerification(action, into: &out)
            case .requeued(let attempt, let loss):
                retried[attempt.job, default: 0] += 1
                out.append(.log(.warning, "task requeued", ["task": "\(attempt)", "cause": "\(loss)"]))
                recordLoss(of: attempt, loss, into: &out)
            case .jobCompleted(let job):
                if replacing[job, default: 0] > 0 {
                    completing.insert(job)
                } else {
                    requestMetrics(for: job, into: &out)
                }
            case .jobFailed(let job, let reason):
                markFinished(job, state: .failed, message: reason, into: &out)
            case .jobCancelled(let job, let reason):
                markFinished(job, state: .cancelled, message: reason, into: &out)
            }
        }
    }

    /// Writes the task's lost attempts before it is handed out again (its TASK waits for the
    /// write), so that a restart does not give a fold that keeps failing fresh attempts.
    mutating func recordLoss(of attempt: TaskAttempt, _ loss: AttemptLoss, into out: inout [CoordinatorOutput]) {
        let lost = LostAttempts(count: scheduler.attemptsLost(job: attempt.job, task: attempt.task), lastCause: "\(loss)")
        recordingLoss.insert(TaskKey(job: attempt.job, task: attempt.task))
        out.append(.persist(.lostAttempts(job: attempt.job, task: attempt.task, lost)))
    }

    /// Sends the TASK that waited for a lost attempt's record, if its worker still holds it.
    mutating func releaseHeldAssignment(_ key: TaskKey, into out: inout [CoordinatorOutput]) {
        guard let (worker, attempt) = heldAssignments.removeValue(forKey: key), scheduler.holder(of: attempt) == worker else {
            return
        }
        sendTask(attempt, to: worker, into: &out)
    }

    func sendTask(_ attempt: TaskAttempt, to worker: WorkerID, into out: inout [CoordinatorOutput]) {
        guard let peer = peers[worker], let job = jobs[attempt.job] else { return }
        let rows = Array(job.foldTestRows(of: attempt.task))
        out.append(.toWorker(peer, .task(assignment(for: attempt, in: job, testRows: rows.count), testRows: rows)))
    }

    func assignment(for attempt: TaskAttempt, in job: ActiveJob, testRows: Int) -> TaskAssignment {
        let label = job.label(of: attempt.task)
        let configuration = job.configuration(of: attempt.task)
        let partitions = job.partitions(repeat: label.repeatIndex, model: configuration.model)
        return TaskAssignment(
            job: job.id, task: attempt.task, attempt: attempt.attempt, dataset: job.spec.dataset,
            holdout: job.spec.holdout, repeatIndex: label.repeatIndex, fold: label.fold, testRows: testRows,
            model: configuration.model, params: configuration.params, seed: job.spec.seed,
            leaseMilliseconds: Int(scheduler.configuration.lease.components.seconds * 1000),
            partitionFolds: partitions == nil ? nil : job.plan?.folds, rowFolds: partitions)
    }

    mutating func markFinished(_ job: String, state: JobState, message: String?, into out: inout [CoordinatorOutput]) {
        // Kept here too, so clients see the end at once and even when the store cannot record it;
        // the store then still says the job is running, and a restarted coordinator resumes it.
        jobs[job]?.state = state
        jobs[job]?.message = message
        // A finished job drops what verification held for it: a check result the scheduler ignored
        // (late, or for a task already settled) was never settled and would stay otherwise.
        for key in heldChecks.keys where key.job == job { heldChecks[key] = nil }
        if state != .completed { completing.remove(job) }
        out.append(.persist(.jobState(job: job, state, message: message)))
        out.append(.log(state == .completed ? .info : .warning, "job finished", [
            "job": "\(job)", "state": "\(state.rawValue)", "message": "\(message ?? "")",
        ]))
    }
}
