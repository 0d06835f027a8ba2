/// A registered worker.
struct WorkerRecord: Sendable {
    let id: WorkerID
    let name: String
    let slots: Int
    var cached: Set<String>
    var lastSeen: Duration
    var lastBeatSent: Duration
    /// Attempts this worker holds.
    var running: Set<TaskAttempt> = []

    var freeSlots: Int { max(0, slots - running.count) }
}

/// One outstanding attempt of a task.
struct Lease: Sendable, Equatable {
    let attempt: Int
    let worker: WorkerID
    var deadline: Duration
    /// Its result arrived and is being written: the lease cannot lapse meanwhile.
    var persisting = false
}

/// A task of a job.
struct TaskRecord: Sendable {
    let label: TaskLabel
    var done: Bool
    /// Attempts started so far; the next attempt number is `attempts + 1`.
    var attempts: Int = 0
    /// Attempts that ended without a result, this run and (for a resumed job) before a restart.
    var lost: Int = 0
    var leases: [Lease] = []
    /// Workers on which an attempt of this task was lost, avoided for retries when possible.
    var avoid: Set<WorkerID> = []
    var lastLoss: AttemptLoss?
}

/// A job's tasks and queue.
struct JobRecord: Sendable {
    let id: String
    let datasets: Set<String>
    var tasks: [TaskRecord]
    /// Task indices waiting for a worker; requeued ones go to the front.
    var queue: [Int]
    var finished = false
    var attemptsLost = 0

    var running: Int { tasks.reduce(0) { $0 + $1.leases.count } }
    var doneCount: Int { tasks.reduce(0) { $0 + ($1.done ? 1 : 0) } }
}

/// A snapshot of one job's progress for STATUS replies.
public struct SchedulerJobProgress: Sendable, Equatable {
    public let total: Int
    public let done: Int
    public let running: Int
    public let attemptsLost: Int
}

extension Scheduler {
    /// Progress of a job the scheduler still tracks.
    public func progress(of job: String) -> SchedulerJobProgress? {
        guard let record = jobs[job] else { return nil }
        return SchedulerJobProgress(
            total: record.tasks.count, done: record.doneCount, running: record.running,
            attemptsLost: record.attemptsLost)
    }

    /// Registered workers and how many of them hold at least one task.
    public var workerCounts: (workers: Int, busy: Int, slots: Int) {
        (workers.count, workers.values.filter { !$0.running.isEmpty }.count, workers.values.reduce(0) { $0 + $1.slots })
    }

    /// Whether `id` is a registered worker.
    public func knows(_ id: WorkerID) -> Bool { workers[id] != nil }

    /// The worker currently holding `attempt`, if any.
    public func holder(of attempt: TaskAttempt) -> WorkerID? {
        jobs[attempt.job]?.tasks[safe: attempt.task]?.leases.first { $0.attempt == attempt.attempt }?.worker
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
