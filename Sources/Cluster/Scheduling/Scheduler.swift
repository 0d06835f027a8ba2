/// The coordinator's pure core: workers, jobs, task leases and retries as a value that takes events
/// and returns actions. It does no I/O and reads no clock; the ZeroMQ shell carries messages and
/// passes the time, so every rule here is tested with a mock clock (Tests/ClusterTests).
///
/// Rules (docs/PROTOCOL.md, Worker socket: Rules):
/// - a worker heard nothing from for `missingAfter` beats gets no new tasks; after `liveness` beats
///   it is dead: its tasks go back to the head of their queue with the next attempt number;
/// - a task whose lease lapses (no PROGRESS) is handed to another worker; the old attempt is cancelled;
/// - the first result of a task wins, later ones are ignored;
/// - after `maxAttempts` lost attempts the job fails, naming the fold and the last cause;
/// - free slots go to the running job with the fewest running tasks (oldest first), so jobs share
///   the workers; a retry avoids workers that already lost that task when another is free;
///   workers that hold the job's dataset are preferred.
public struct Scheduler: Sendable {
    public let configuration: SchedulerConfiguration
    var workers: [WorkerID: WorkerRecord] = [:]
    var jobs: [String: JobRecord] = [:]
    /// Job ids in submission order; fairness ties go to the oldest.
    var jobOrder: [String] = []
    var now: Duration = .zero
    /// Jobs that asked for verification by recomputation (Scheduler+Verification.swift).
    var verifying: [String: JobVerification] = [:]
    /// Workers whose results disagreed with the majority: they get no more tasks, with why.
    var quarantined: [WorkerID: String] = [:]

    public init(configuration: SchedulerConfiguration = SchedulerConfiguration()) {
        self.configuration = configuration
    }

    /// Applies one event at time `now` and returns the actions to carry out, in order.
    public mutating func handle(_ event: SchedulerEvent, now: Duration) -> [SchedulerAction] {
        self.now = max(self.now, now)
        var actions: [SchedulerAction] = []
        switch event {
        case .workerReady(let id, let name, let slots, let cached, let holding):
            if workers[id] != nil { loseWorker(id, reason: "registered again", keeping: holding, into: &actions) }
            workers[id] = WorkerRecord(
                id: id, name: name, slots: slots, cached: cached, lastSeen: self.now, lastBeatSent: self.now)
            adopt(holding, by: id)
        case .workerSeen(let id):
            workers[id]?.lastSeen = self.now
        case .workerHas(let id, let dataset):
            workers[id]?.lastSeen = self.now
            workers[id]?.cached.insert(dataset)
        case .workerGone(let id, let reason):
            loseWorker(id, reason: reason, into: &actions)
        case .jobAdded(let job, let datasets, let tasks, let verify):
            if let verify, verify.fraction > 0, jobs[job] == nil { verifying[job] = JobVerification(request: verify) }
            addJob(job, datasets: datasets, tasks: tasks, into: &actions)
        case .taskProgress(let id, let attempt):
            workers[id]?.lastSeen = self.now
            renewLease(attempt, by: id)
        case .taskResultPending(let id, let attempt):
            workers[id]?.lastSeen = self.now
            workers[id]?.lastResult = self.now
            workers[id]?.running.remove(attempt)
            holdLease(attempt, by: id)
        case .taskSucceeded(let id, let attempt):
            workers[id]?.lastSeen = self.now
            workers[id]?.lastResult = self.now
            succeed(attempt, by: id, into: &actions)
        case .taskDigest(let id, let attempt, let digest):
            workers[id]?.lastSeen = self.now
            recordDigest(attempt, digest)
        case .checkReturned(let id, let attempt, let digest):
            workers[id]?.lastSeen = self.now
            workers[id]?.lastResult = self.now
            checkReturned(attempt, by: id, digest: digest, into: &actions)
        case .taskFailed(let id, let attempt, let message, let retryable):
            workers[id]?.lastSeen = self.now
            fail(attempt, by: id, message: message, retryable: retryable, into: &actions)
        case .cancelJob(let job, let reason):
            cancel(job, reason: reason, into: &actions)
        case .tick:
            checkWorkers(into: &actions)
            checkLeases(into: &actions)
        }
        dispatch(into: &actions)
        return actions
    }

    /// When the next tick is due: the earliest heartbeat, liveness or lease deadline.
    public var nextDeadline: Duration? {
        var deadline: Duration?
        func consider(_ time: Duration) { deadline = min(deadline ?? time, time) }
        for worker in workers.values {
            consider(worker.lastBeatSent + configuration.heartbeatInterval)
            consider(worker.lastSeen + configuration.deadAfter)
        }
        for job in jobs.values {
            for index in job.leased {
                for lease in job.task(index)?.leases ?? [] where !lease.persisting { consider(lease.deadline) }
            }
        }
        return deadline
    }
}
