import Wire

/// A worker as the scheduler knows it: the routing id of its control connection, or (with CURVE)
/// `KEY-NAME/WORKER-NAME`, where KEY-NAME is its authenticated key's allowlist name. Never a name
/// the worker chose for itself alone.
public struct WorkerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: WorkerID, rhs: WorkerID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One attempt of one task of one job.
public struct TaskAttempt: Hashable, Sendable, CustomStringConvertible {
    public let job: String
    public let task: Int
    public let attempt: Int

    public init(job: String, task: Int, attempt: Int) {
        self.job = job
        self.task = task
        self.attempt = attempt
    }

    public var description: String { "\(job)/\(task)#\(attempt)" }
}

/// What the scheduler needs to know of a task: where it sits in the fold plan, for messages.
public struct TaskLabel: Sendable, Equatable {
    public let repeatIndex: Int
    public let fold: Int
    /// A task whose result the job store already holds (a resumed job); it is never run again.
    public let done: Bool
    /// Attempts the task lost before the coordinator restarted (a resumed job): they still count
    /// towards `maxAttempts`, and its next attempt is numbered after them.
    public let attemptsLost: Int

    public init(repeatIndex: Int, fold: Int, done: Bool = false, attemptsLost: Int = 0) {
        self.repeatIndex = repeatIndex
        self.fold = fold
        self.done = done
        self.attemptsLost = max(0, attemptsLost)
    }
}

/// Why an attempt ended without a result.
public enum AttemptLoss: Sendable, Equatable, CustomStringConvertible {
    case workerLost(WorkerID, String)
    case leaseExpired(WorkerID)
    case failed(WorkerID, String)

    public var description: String {
        switch self {
        case .workerLost(let worker, let why): "worker \(worker) lost (\(why))"
        case .leaseExpired(let worker): "lease expired on worker \(worker)"
        case .failed(let worker, let message): "worker \(worker) failed: \(message)"
        }
    }
}

/// Inputs of the scheduler. `now` is passed beside each event; it is the time since the
/// coordinator started, from whatever clock the shell uses (a mock one in tests).
public enum SchedulerEvent: Sendable, Equatable {
    /// A worker registered (READY) with its capacity, the datasets it holds and the task attempts it
    /// still holds from an earlier connection (their leases move to it instead of being requeued).
    case workerReady(WorkerID, name: String, slots: Int, cached: Set<String>, holding: Set<TaskAttempt> = [])
    /// Any message from a worker proves it alive.
    case workerSeen(WorkerID)
    /// A worker now holds a dataset (HAVE).
    case workerHas(WorkerID, dataset: String)
    /// A worker said goodbye (DISCONNECT) or a send to it failed (EHOSTUNREACH).
    case workerGone(WorkerID, reason: String)
    /// A new or resumed job: its tasks in order, the datasets they need, and (`verify`) the
    /// fraction of its tasks to compute again on another worker.
    case jobAdded(job: String, datasets: Set<String>, tasks: [TaskLabel], verify: VerifyRequest? = nil)
    case taskProgress(WorkerID, TaskAttempt)
    /// A worker's result for this attempt arrived and is being written: the worker's slot is free,
    /// and the attempt's lease waits (it cannot lapse) for `taskSucceeded` once the result is kept,
    /// or `taskFailed` if it cannot be.
    case taskResultPending(WorkerID, TaskAttempt)
    case taskSucceeded(WorkerID, TaskAttempt)
    /// The digest of a result about to be stored, for a job being verified (before
    /// `taskResultPending`).
    case taskDigest(WorkerID, TaskAttempt, ResultDigest)
    /// A check attempt's result (`isCheck`): compared with the stored one, never stored itself.
    case checkReturned(WorkerID, TaskAttempt, ResultDigest)
    /// `retryable` is false for deterministic failures (a learner refusing its parameters).
    case taskFailed(WorkerID, TaskAttempt, message: String, retryable: Bool)
    case cancelJob(String, reason: String)
    /// Time passed: heartbeats, liveness and leases are checked.
    case tick
}

/// What the shell must do, in order.
public enum SchedulerAction: Sendable, Equatable {
    /// Send TASK for this attempt to the worker.
    case assign(WorkerID, TaskAttempt)
    /// Send CANCEL for this attempt to the worker.
    case cancel(WorkerID, TaskAttempt)
    case heartbeat(WorkerID)
    /// Send DISCONNECT and forget the worker's routing id.
    case disconnect(WorkerID, reason: String)
    /// The first result of this task: store it. Later ones are ignored.
    case storeResult(TaskAttempt)
    /// A result that arrived after another attempt's: drop it.
    case ignoreResult(TaskAttempt, reason: String)
    /// An attempt was lost and the task went back to the queue.
    case requeued(TaskAttempt, AttemptLoss)
    /// Every task of the job has a result.
    case jobCompleted(String)
    case jobFailed(String, reason: String)
    case jobCancelled(String, reason: String)
    /// Two workers returned different results for a task: a third computes it.
    case resultsDisagree(TaskAttempt, workers: [WorkerID])
    /// A worker's result disagreed with two others': it gets no more tasks.
    case quarantined(WorkerID, reason: String)
    /// A checked task is settled. With `adopt`, the stored result was the odd one out: replace it
    /// with that check attempt's result (the shell holds its scores).
    case checkSettled(job: String, task: Int, adopt: TaskAttempt?)
    /// Sent just before `jobCompleted` for a job that asked for verification.
    case verificationFinished(String, VerificationSummary)
}

/// A job's request for verification by recomputation.
public struct VerifyRequest: Sendable, Equatable {
    /// The fraction of tasks (0...1) to compute a second time; at least one per contributing worker.
    public let fraction: Double
    /// Picks which tasks, so a worker cannot tell which of its results will be checked.
    public let seed: UInt64

    public init(fraction: Double, seed: UInt64) {
        self.fraction = fraction
        self.seed = seed
    }
}

/// A result's fingerprint: the SHA-256 of its scores' bytes. Folds are bit-identical wherever they
/// run, so two honest results of a task have the same digest.
public struct ResultDigest: Hashable, Sendable, CustomStringConvertible {
    public let hex: String
    public init(_ hex: String) { self.hex = hex }
    public var description: String { String(hex.prefix(12)) }
}
