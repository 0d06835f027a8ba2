import Synchronization
import Wire

/// A job store that lives as long as the process: the embedded cluster's, and the coordinator's
/// when no `--state-dir` is given. It keeps no dataset bytes: the coordinator's dataset registry
/// already holds them for the life of the process, and a second copy would double its memory.
public final class InMemoryJobStore: JobStore {
    private struct State {
        var jobs: [String: StoredJob] = [:]
        var order: [String] = []
        var results: [String: [Int: StoredResult]] = [:]
        var lost: [String: [Int: LostAttempts]] = [:]
        var metrics: [String: [UInt8]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func create(_ job: StoredJob) throws(JobStoreError) {
        state.withLock {
            if $0.jobs[job.id] == nil { $0.order.append(job.id) }
            $0.jobs[job.id] = job
        }
    }

    public func saveResult(_ result: StoredResult) throws(JobStoreError) {
        state.withLock { $0.results[result.job, default: [:]][result.task] = $0.results[result.job]?[result.task] ?? result }
    }

    public func results(of job: String) throws(JobStoreError) -> [Int: StoredResult] {
        state.withLock { $0.results[job] ?? [:] }
    }

    public func saveLostAttempts(job: String, task: Int, _ lost: LostAttempts) throws(JobStoreError) {
        state.withLock { $0.lost[job, default: [:]][task] = lost }
    }

    public func lostAttempts(of job: String) throws(JobStoreError) -> [Int: LostAttempts] {
        state.withLock { $0.lost[job] ?? [:] }
    }

    public func update(job: String, state newState: JobState, message: String?) throws(JobStoreError) {
        try state.withLock { (s: inout State) throws(JobStoreError) in
            guard var stored = s.jobs[job] else { throw JobStoreError(.unknownJob, "no job \(job) in the store") }
            stored.state = newState
            stored.message = message
            if newState.isFinal, stored.finishedAt == nil { stored.finishedAt = WallClock.seconds() }
            s.jobs[job] = stored
        }
    }

    public func saveMetrics(job: String, json: [UInt8]) throws(JobStoreError) {
        state.withLock { $0.metrics[job] = json }
    }

    public func metrics(of job: String) throws(JobStoreError) -> [UInt8]? {
        state.withLock { $0.metrics[job] }
    }

    public func jobs() throws(JobStoreError) -> [StoredJob] {
        state.withLock { s in s.order.compactMap { s.jobs[$0] } }
    }

    public func saveDataset(hash: String, bytes: [UInt8]) throws(JobStoreError) {}

    public func dataset(hash: String) throws(JobStoreError) -> [UInt8]? { nil }
}
