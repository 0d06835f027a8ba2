import Wire

/// A write the coordinator's core asks of the job store (`CoordinatorOutput.persist`). The shell
/// runs them one at a time, in order, off the event loop (`StoreWriter`; an in-memory store's on
/// it), and feeds each back with its outcome;
/// the core acts on a write (acknowledges a job, counts a result, hands a task out again, ends a
/// job) only once it is durable.
public enum StoreWrite: Sendable {
    /// A new job; SUBMITTED goes out once it is kept.
    case createJob(StoredJob)
    /// The first result of a task, from `worker`; the task counts as done once it is kept.
    case result(StoredResult, worker: WorkerID)
    /// A task computed again because the worker of its stored result was quarantined: it replaces
    /// the stored one, and the task counts as done once it is kept, like a first result.
    case recomputedResult(StoredResult, worker: WorkerID)
    /// The majority's check result, replacing a stored one that verification found wrong; the job
    /// completes only once it is kept. Which of the two a replacement is travels with the write:
    /// asked again when the write returns, the scheduler may have moved on.
    case adoptedCheck(StoredResult)
    /// A task's lost attempts; its next attempt is handed out once they are kept.
    case lostAttempts(job: String, task: Int, LostAttempts)
    /// A job's new state.
    case jobState(job: String, JobState, message: String?)
    /// A finished job's metrics and predictions; the job completes once they are kept.
    case finished(job: String, ComputedMetrics)

    /// A finished job's metrics and predictions: a file even in a store that keeps everything else
    /// in memory (`JobStore.savePredictions`), and the job's results let go.
    var isBulk: Bool {
        if case .finished = self { return true }
        return false
    }

    /// Carries out the write on `store`; blocking.
    public func run(on store: any JobStore) -> JobStoreError? {
        do {
            switch self {
            case .createJob(let job):
                try store.create(job)
            case .result(let result, _):
                try store.saveResult(result)
            case .recomputedResult(let result, _), .adoptedCheck(let result):
                try store.replaceResult(result)
            case .lostAttempts(let job, let task, let lost):
                try store.saveLostAttempts(job: job, task: task, lost)
            case .jobState(let job, let state, let message):
                try store.update(job: job, state: state, message: message)
            case .finished(let job, let metrics):
                if let predictions = metrics.predictions {
                    try store.savePredictions(job: job, size: predictions.size, fill: predictions.fill)
                }
                try store.saveMetrics(job: job, json: metrics.json)
            }
            return nil
        } catch {
            return error
        }
    }
}
