import Wire

import Datasets

/// Where the coordinator keeps jobs, their results and datasets. Everything a job needs to resume,
/// and its results once finished, goes through this protocol, so a durable store can replace the
/// in-memory one without the coordinator changing.
///
/// Two kinds of calls: index reads (`jobs`, `job`, `resultCount`, `hasDataset`) answer from memory
/// and may be made on the coordinator's event loop; every other call reads or writes files and
/// blocks, so the coordinator makes it off the loop (`CoordinatorOutput.persist` and the metrics,
/// results and dataset threads; a store whose `writesBlock` is false takes its small writes on the
/// loop), and acknowledges a write only once it returned.
public protocol JobStore: Sendable {
    /// Whether writes may block (files, flushes). When false, the coordinator makes the writes that
    /// make no file on its reactor thread (`StoreWriter`); true unless the store says otherwise.
    var writesBlock: Bool { get }
    /// Records a newly accepted job. Throws `JobStoreError` when it cannot be written.
    func create(_ job: StoredJob) throws(JobStoreError)
    /// Records the first result of a task.
    func saveResult(_ result: StoredResult) throws(JobStoreError)
    /// Replaces a task's stored result: verification found it wrong (its worker disagreed with two
    /// others), or its worker was quarantined and the task was computed again.
    func replaceResult(_ result: StoredResult) throws(JobStoreError)
    /// Every result stored for `job`, keyed by task index.
    func results(of job: String) throws(JobStoreError) -> [Int: StoredResult]
    /// The stored result of one task, or nil.
    func result(of job: String, task: Int) throws(JobStoreError) -> StoredResult?
    /// How many tasks of `job` have a stored result. An index read for the stores crossfold has.
    func resultCount(of job: String) throws(JobStoreError) -> Int
    /// Records that a task has now lost `lost.count` attempts, before the task is handed out
    /// again, so that a restarted coordinator still holds it to the attempt cap.
    func saveLostAttempts(job: String, task: Int, _ lost: LostAttempts) throws(JobStoreError)
    /// The lost attempts recorded for `job`, keyed by task index (tasks that lost none are absent).
    func lostAttempts(of job: String) throws(JobStoreError) -> [Int: LostAttempts]
    /// Moves a job to a new state (with the reason for failures and cancellations); a final state
    /// also records when the job finished.
    func update(job: String, state: JobState, message: String?) throws(JobStoreError)
    /// Stores the finished job's EvalMetrics JSON.
    func saveMetrics(job: String, json: [UInt8]) throws(JobStoreError)
    func metrics(of job: String) throws(JobStoreError) -> [UInt8]?
    /// Keeps a finished job's out-of-fold predictions: a file of `size` bytes that `fill` writes in
    /// place (`PredictionsFile`), so they are never held whole in the coordinator's memory.
    func savePredictions(job: String, size: Int, fill: (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void) throws(JobStoreError)
    /// A finished job's predictions, mapped; nil when the store has none.
    func predictions(of job: String) throws(JobStoreError) -> MappedFile?
    /// All jobs, oldest first. An index read.
    func jobs() throws(JobStoreError) -> [StoredJob]
    /// One job by id, or nil. An index read.
    func job(_ id: String) throws(JobStoreError) -> StoredJob?
    /// Whether the store holds the dataset. An index read.
    func hasDataset(hash: String) -> Bool
    /// A file for an upload of `hash` (`size` bytes), written as the chunks arrive.
    func receiveDataset(hash: String, size: Int) throws(JobStoreError) -> IncomingDataset
    /// Whether uploads must be flushed to disk before `keepDataset` (a store that survives restarts).
    var keepsDatasets: Bool { get }
    /// Keeps a finished, verified upload (`IncomingDataset.finish`) so a restarted coordinator can
    /// serve it again.
    func keepDataset(_ incoming: IncomingDataset) throws(JobStoreError)
    /// A stored dataset, mapped and opened: hashed first unless its record vouches for the file;
    /// a file that does not hash or decode right is set aside and reported as absent (nil).
    func openDataset(hash: String) throws(JobStoreError) -> Dataset?
}

/// Defaults for stores without an index of their own (test doubles); crossfold's stores answer
/// these from memory.
extension JobStore {
    public var writesBlock: Bool { true }

    /// One job by id, or nil.
    public func job(_ id: String) throws(JobStoreError) -> StoredJob? {
        try jobs().first { $0.id == id }
    }

    /// The stored result of one task, or nil.
    public func result(of job: String, task: Int) throws(JobStoreError) -> StoredResult? {
        try results(of: job)[task]
    }

    /// Stores without an index of their own (test doubles) cannot replace a result.
    public func replaceResult(_ result: StoredResult) throws(JobStoreError) {
        throw JobStoreError(.unwritable, "this store cannot replace the result of task \(result.task) of job \(result.job)")
    }

    /// How many tasks of `job` have a stored result.
    public func resultCount(of job: String) throws(JobStoreError) -> Int {
        try results(of: job).count
    }
}

/// A job as stored.
public struct StoredJob: Sendable, Equatable {
    public var id: String
    public var spec: JobSpec
    /// The SUBMIT request id that created the job, so a SUBMIT resent after a restart finds it.
    public var request: String?
    public var state: JobState
    public var message: String?
    /// Seconds since 1970 when the job was accepted.
    public var createdAt: Double
    public var finishedAt: Double?
    /// The allowlist name of the client key that submitted the job, on a coordinator with keys;
    /// nil without keys, and for jobs stored before owners were recorded (administrators only).
    public var owner: String?

    public init(id: String, spec: JobSpec, request: String? = nil, state: JobState, message: String? = nil,
                createdAt: Double, finishedAt: Double? = nil, owner: String? = nil) {
        self.owner = owner
        self.id = id
        self.spec = spec
        self.request = request
        self.state = state
        self.message = message
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// How many attempts of one task ended without a result, and why the last one did.
public struct LostAttempts: Sendable, Equatable, Codable {
    public var count: Int
    public var lastCause: String

    public init(count: Int, lastCause: String) {
        self.count = count
        self.lastCause = lastCause
    }
}

/// One task's predictions as stored.
public struct StoredResult: Sendable, Equatable {
    public var job: String
    public var task: Int
    public var attempt: Int
    public var worker: String
    public var seconds: Double
    /// Held-out rows × concepts, row-major, rows in increasing order.
    public var scores: [Float]

    public init(job: String, task: Int, attempt: Int, worker: String, seconds: Double, scores: [Float]) {
        self.job = job
        self.task = task
        self.attempt = attempt
        self.worker = worker
        self.seconds = seconds
        self.scores = scores
    }
}

/// A store that could not read or write, with what to do about it.
public struct JobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A write failed (full disk, permissions, read-only file system, I/O error).
        case unwritable
        /// A read failed for another reason than the data being absent.
        case unreadable
        /// Another process holds the store (two coordinators on one state dir).
        case locked
        /// The store was written by an incompatible crossfold.
        case incompatible
        /// The store has no such job.
        case unknownJob
    }

    public let kind: Kind
    public let message: String
    /// The `errno` of the failed system call, when there was one (`ENOSPC` for a full disk).
    public let code: Int32?

    public init(_ kind: Kind, _ message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
