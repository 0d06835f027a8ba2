import Datasets
import Foundation
import Synchronization
import Wire

/// A job store that lives as long as the process: the embedded cluster's, and the coordinator's
/// when no `--state-dir` is given. Jobs, results and metrics are held in memory; uploads and
/// finished jobs' predictions go to files in a spool directory that are unlinked as soon as they
/// are created, so they take page cache rather than the coordinator's memory, and nothing is left
/// on disk whatever happens to the process. Datasets are not kept past their upload: the
/// coordinator's dataset registry holds them for the life of the process.
public final class InMemoryJobStore: JobStore {
    private struct State {
        var jobs: [String: StoredJob] = [:]
        var order: [String] = []
        var results: [String: [Int: StoredResult]] = [:]
        var lost: [String: [Int: LostAttempts]] = [:]
        var metrics: [String: [UInt8]] = [:]
        var predictions: [String: MappedFile] = [:]
        var finishedResultCounts: [String: Int] = [:]
    }

    private let state = Mutex(State())
    /// Where uploads and predictions are spooled.
    public let spoolDirectory: String

    /// - Parameter spoolDirectory: by default `$TMPDIR`, or /tmp.
    public init(spoolDirectory: String? = nil) {
        self.spoolDirectory = spoolDirectory
            ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Memory only, but for a finished job's predictions (`savePredictions` makes a file, and the
    /// coordinator queues that write anyway: `StoreWrite.isBulk`).
    public var writesBlock: Bool { false }

    public func create(_ job: StoredJob) throws(JobStoreError) {
        state.withLock {
            if $0.jobs[job.id] == nil { $0.order.append(job.id) }
            $0.jobs[job.id] = job
        }
    }

    public func saveResult(_ result: StoredResult) throws(JobStoreError) {
        state.withLock { $0.results[result.job, default: [:]][result.task] = $0.results[result.job]?[result.task] ?? result }
    }

    public func replaceResult(_ result: StoredResult) throws(JobStoreError) {
        state.withLock { $0.results[result.job, default: [:]][result.task] = result }
    }

    public func results(of job: String) throws(JobStoreError) -> [Int: StoredResult] {
        state.withLock { $0.results[job] ?? [:] }
    }

    public func result(of job: String, task: Int) throws(JobStoreError) -> StoredResult? {
        state.withLock { $0.results[job]?[task] }
    }

    public func resultCount(of job: String) throws(JobStoreError) -> Int {
        state.withLock { $0.results[job]?.count ?? $0.finishedResultCounts[job] ?? 0 }
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

    /// Keeps the metrics and lets go of the job's results: its predictions are kept (as a file)
    /// already, and nothing reads the results of a finished job again.
    public func saveMetrics(job: String, json: [UInt8]) throws(JobStoreError) {
        state.withLock {
            $0.metrics[job] = json
            if let count = $0.results[job]?.count {
                $0.finishedResultCounts[job] = count
                $0.results[job] = nil
            }
        }
    }

    public func metrics(of job: String) throws(JobStoreError) -> [UInt8]? {
        state.withLock { $0.metrics[job] }
    }

    public func savePredictions(job: String, size: Int, fill: (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void) throws(JobStoreError) {
        let path = "\(spoolDirectory)/\(DurableFile.temporaryName(for: "predictions-\(job)"))"
        let file = try FilledFile.write(at: path, size: size, durable: false, unlinked: true, fill: fill)
        state.withLock { $0.predictions[job] = file }
    }

    public func predictions(of job: String) throws(JobStoreError) -> MappedFile? {
        state.withLock { $0.predictions[job] }
    }

    public func jobs() throws(JobStoreError) -> [StoredJob] {
        state.withLock { s in s.order.compactMap { s.jobs[$0] } }
    }

    public func job(_ id: String) throws(JobStoreError) -> StoredJob? {
        state.withLock { $0.jobs[id] }
    }

    public func hasDataset(hash: String) -> Bool { false }

    public func receiveDataset(hash: String, size: Int) throws(JobStoreError) -> IncomingDataset {
        let path = "\(spoolDirectory)/\(DurableFile.temporaryName(for: "\(hash).cfds"))"
        do {
            return try IncomingDataset(path: path, hash: hash, size: size, name: "upload \(hash.prefix(12))", unlinked: true)
        } catch {
            throw JobStoreError(.unwritable, "\(error.message); give the coordinator a writable spool directory with room "
                                + "for the dataset (TMPDIR), or a --state-dir")
        }
    }

    public var keepsDatasets: Bool { false }

    public func keepDataset(_ incoming: IncomingDataset) throws(JobStoreError) {}

    public func openDataset(hash: String) throws(JobStoreError) -> Dataset? { nil }
}
