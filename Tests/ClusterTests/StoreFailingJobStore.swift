import Cluster
import Datasets
import Synchronization
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A job store whose writes fail on demand, as a full disk's would, passing everything else to
/// a real store.
final class FailingJobStore: JobStore {
    enum Write: Hashable, Sendable {
        case create, saveResult, saveLostAttempts, update, saveMetrics, savePredictions, receiveDataset, keepDataset
    }

    let inner: any JobStore
    private let failing = Mutex<Set<Write>>([])
    private let refusals = Mutex<[Write: Int]>([:])

    init(_ inner: any JobStore = InMemoryJobStore()) {
        self.inner = inner
    }

    /// From now on these writes fail (and only these).
    func fail(_ writes: Set<Write>) {
        failing.withLock { $0 = writes }
    }

    /// How many writes of this kind were refused so far.
    func refused(_ write: Write) -> Int {
        refusals.withLock { $0[write] ?? 0 }
    }

    static let diskFull = JobStoreError(
        .unwritable, "cannot write /state/jobs/x: No space left on device; the disk is full: free space there", code: ENOSPC)

    private func check(_ write: Write) throws(JobStoreError) {
        let refuse = failing.withLock { $0.contains(write) }
        guard refuse else { return }
        refusals.withLock { $0[write, default: 0] += 1 }
        throw Self.diskFull
    }

    func create(_ job: StoredJob) throws(JobStoreError) {
        try check(.create)
        try inner.create(job)
    }

    func saveResult(_ result: StoredResult) throws(JobStoreError) {
        try check(.saveResult)
        try inner.saveResult(result)
    }

    func results(of job: String) throws(JobStoreError) -> [Int: StoredResult] { try inner.results(of: job) }

    func result(of job: String, task: Int) throws(JobStoreError) -> StoredResult? { try inner.result(of: job, task: task) }

    func resultCount(of job: String) throws(JobStoreError) -> Int { try inner.resultCount(of: job) }

    func job(_ id: String) throws(JobStoreError) -> StoredJob? { try inner.job(id) }

    func saveLostAttempts(job: String, task: Int, _ lost: LostAttempts) throws(JobStoreError) {
        try check(.saveLostAttempts)
        try inner.saveLostAttempts(job: job, task: task, lost)
    }

    func lostAttempts(of job: String) throws(JobStoreError) -> [Int: LostAttempts] { try inner.lostAttempts(of: job) }

    func update(job: String, state: JobState, message: String?) throws(JobStoreError) {
        try check(.update)
        try inner.update(job: job, state: state, message: message)
    }

    func saveMetrics(job: String, json: [UInt8]) throws(JobStoreError) {
        try check(.saveMetrics)
        try inner.saveMetrics(job: job, json: json)
    }

    func metrics(of job: String) throws(JobStoreError) -> [UInt8]? { try inner.metrics(of: job) }

    func jobs() throws(JobStoreError) -> [StoredJob] { try inner.jobs() }

    func savePredictions(job: String, size: Int, fill: (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void) throws(JobStoreError) {
        try check(.savePredictions)
        try inner.savePredictions(job: job, size: size, fill: fill)
    }

    func predictions(of job: String) throws(JobStoreError) -> MappedFile? { try inner.predictions(of: job) }

    func hasDataset(hash: String) -> Bool { inner.hasDataset(hash: hash) }

    func receiveDataset(hash: String, size: Int) throws(JobStoreError) -> IncomingDataset {
        try check(.receiveDataset)
        return try inner.receiveDataset(hash: hash, size: size)
    }

    var keepsDatasets: Bool { inner.keepsDatasets }

    func keepDataset(_ incoming: IncomingDataset) throws(JobStoreError) {
        try check(.keepDataset)
        try inner.keepDataset(incoming)
    }

    func openDataset(hash: String) throws(JobStoreError) -> Dataset? { try inner.openDataset(hash: hash) }
}
