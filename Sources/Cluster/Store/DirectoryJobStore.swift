import Datasets
import Foundation
import Logging
import Synchronization
import Wire

/// A durable job store in a directory, after the ZeroMQ Guide's Titanic: one file per fact, each
/// written to a temporary name, flushed to disk, renamed into place and its directory flushed
/// before the call returns, so whatever the coordinator acknowledged survives `kill -9` and a
/// power cut. Layout (docs/RELIABILITY.md):
///
/// ```
/// state-dir/FORMAT                       "crossfold job store 1"
/// state-dir/lock                         flock of the running coordinator (its pid inside)
/// state-dir/jobs/<id>/spec.json          the job as submitted, its SUBMIT request id, when
/// state-dir/jobs/<id>/state              running | completed | failed | cancelled, why, when
/// state-dir/jobs/<id>/results/<task>.bin one task's scores (ResultFile), written once
/// state-dir/jobs/<id>/attempts.json      lost attempts per task, rewritten at each loss
/// state-dir/jobs/<id>/metrics.json       the EvalMetrics JSON of a completed job
/// state-dir/jobs/<id>/predictions.bin    its out-of-fold predictions in input order (PredictionsFile)
/// state-dir/datasets/<sha256>.cfds       canonical dataset bytes, named by their hash, written as
///                                        the upload arrives (with a .verified record beside it)
/// ```
///
/// Reading back checks every file (lengths, checksum, JSON, dataset hash): a file cut short or
/// damaged is logged, set aside as `*.corrupt` and treated as absent, never a crash; the task it
/// held is computed again. Temporary files left by a crash are removed when the store opens.
///
/// Job, result and dataset indexes live in memory (status requests never touch the disk); scores,
/// metrics, predictions and datasets are read (or mapped) from disk when asked for.
public final class DirectoryJobStore: JobStore {
    public let directory: String
    let logger: Logger
    let lock: StoreLock
    let index: Mutex<Index>

    struct Index {
        var jobs: [String: StoredJob] = [:]
        /// Job ids, oldest first.
        var order: [String] = []
        /// Tasks with a result file, per job.
        var results: [String: Set<Int>] = [:]
        var datasets: Set<String> = []
    }

    /// Opens (creating it if needed) the store in `directory`, takes its lock, removes temporary
    /// files a crash left behind and loads the job index.
    /// - Throws: `JobStoreError`: `.unwritable` when the directory cannot be created or written
    ///   (permissions, read-only or full file system), `.locked` when another coordinator uses
    ///   it, `.incompatible` when another store format is there.
    public init(directory: String, logger: Logger) throws(JobStoreError) {
        self.directory = directory
        self.logger = logger
        try StoreFiles.makeDirectory(directory)
        lock = try StoreLock(directory: directory)
        try Self.checkFormat(directory)
        for sub in [Self.jobsFolder, Self.datasetsFolder] { try StoreFiles.makeDirectory("\(directory)/\(sub)") }
        try Self.probeWrite(directory)
        let (loaded, summary) = try Self.load(directory, logger: logger)
        index = Mutex(loaded)
        var metadata: Logger.Metadata = [
            "state_dir": "\(directory)", "jobs": "\(loaded.order.count)", "unfinished": "\(summary.unfinished)",
            "results": "\(summary.results)", "datasets": "\(loaded.datasets.count)",
            "temporary_files_removed": "\(summary.temporaryRemoved)",
        ]
        if let free = StoreFiles.freeBytes(directory) { metadata["free_bytes"] = "\(free)" }
        logger.info("job store opened", metadata: metadata)
        if let free = StoreFiles.freeBytes(directory), free < Self.lowSpaceWarning {
            logger.warning("little free space for the job store; jobs will fail once it is full", metadata: [
                "state_dir": "\(directory)", "free_bytes": "\(free)",
            ])
        }
    }

    /// Releases the directory's lock, as the end of the process would. The store must not be
    /// used afterwards; tests use it to stand for a killed coordinator.
    public func close() {
        lock.release()
    }

    static let jobsFolder = "jobs"
    static let datasetsFolder = "datasets"
    static let formatFile = "FORMAT"
    static let formatLine = "crossfold job store 1"
    static let lowSpaceWarning = 256 << 20

    func jobDirectory(_ id: String) -> String { "\(directory)/\(Self.jobsFolder)/\(id)" }
    func resultsDirectory(_ id: String) -> String { "\(jobDirectory(id))/\(JobFiles.results)" }
    var datasetsDirectory: String { "\(directory)/\(Self.datasetsFolder)" }

    // MARK: JobStore

    public func create(_ job: StoredJob) throws(JobStoreError) {
        guard JobFiles.isValidID(job.id) else {
            throw JobStoreError(.unwritable, "job id \(job.id) cannot name a directory (letters, digits, - and _ only)")
        }
        if index.withLock({ $0.jobs[job.id] != nil }) {
            try writeState(job)
            return
        }
        // The job's directory is assembled under a temporary name and renamed into place, so a
        // job is either wholly there (spec, state, results folder) or not at all.
        let jobs = "\(directory)/\(Self.jobsFolder)"
        let building = "\(jobs)/\(StoreFiles.temporaryName(for: job.id))"
        do throws(JobStoreError) {
            if mkdir(building, 0o750) != 0 { throw StoreFiles.failure(.unwritable, "cannot create \(building)", errno) }
            try StoreFiles.writeFile(JobFiles.encode(JobFiles.specFile(of: job)), to: "\(building)/\(JobFiles.spec)")
            try StoreFiles.writeFile(JobFiles.encode(JobFiles.stateFile(of: job)), to: "\(building)/\(JobFiles.state)")
            let results = "\(building)/\(JobFiles.results)"
            if mkdir(results, 0o750) != 0 { throw StoreFiles.failure(.unwritable, "cannot create \(results)", errno) }
            try StoreFiles.syncDirectory(building)
            try StoreFiles.move(building, to: jobDirectory(job.id))
            try StoreFiles.syncDirectory(jobs)
        } catch {
            StoreFiles.removeTree(building)
            throw error
        }
        index.withLock { index in
            // Oldest first, as a reopened store lists them.
            let position = index.order.firstIndex { id in
                index.jobs[id].map { ($0.createdAt, $0.id) > (job.createdAt, job.id) } ?? false
            } ?? index.order.endIndex
            index.order.insert(job.id, at: position)
            index.jobs[job.id] = job
            index.results[job.id] = []
        }
    }

    public func saveResult(_ result: StoredResult) throws(JobStoreError) {
        let known = index.withLock { index in
            index.jobs[result.job] == nil ? nil : index.results[result.job, default: []].contains(result.task)
        }
        guard let alreadyStored = known else {
            throw JobStoreError(.unknownJob, "no job \(result.job) in the store for the result of task \(result.task)")
        }
        // The first result of a task is the one kept; tasks are deterministic, so any other is the same.
        if alreadyStored { return }
        try writeResult(result)
    }

    public func replaceResult(_ result: StoredResult) throws(JobStoreError) {
        guard index.withLock({ $0.jobs[result.job] != nil }) else {
            throw JobStoreError(.unknownJob, "no job \(result.job) in the store for the result of task \(result.task)")
        }
        try writeResult(result)
    }

    /// Writes a task's result file whole beside any old one and renames it over (a crash leaves one
    /// or the other), and indexes it.
    private func writeResult(_ result: StoredResult) throws(JobStoreError) {
        try StoreFiles.writeAtomically(
            ResultFile.encode(result), directory: resultsDirectory(result.job), name: ResultFile.name(of: result.task))
        index.withLock { _ = $0.results[result.job, default: []].insert(result.task) }
    }

    public func results(of job: String) throws(JobStoreError) -> [Int: StoredResult] {
        guard index.withLock({ $0.jobs[job] != nil }) else { return [:] }
        let folder = resultsDirectory(job)
        var results: [Int: StoredResult] = [:]
        var damaged: Set<Int> = []
        for name in try StoreFiles.list(folder) {
            guard let task = ResultFile.task(ofFileNamed: name), let bytes = try StoreFiles.read("\(folder)/\(name)") else {
                continue
            }
            do {
                results[task] = try ResultFile.decode(bytes, job: job, task: task)
            } catch {
                damaged.insert(task)
                setAside("\(folder)/\(name)", why: error.description, metadata: ["job": "\(job)", "task": "\(task)"])
            }
        }
        index.withLock { index in
            index.results[job, default: []].formUnion(results.keys)
            index.results[job]?.subtract(damaged)
        }
        return results
    }

    public func result(of job: String, task: Int) throws(JobStoreError) -> StoredResult? {
        guard index.withLock({ $0.jobs[job] != nil }) else { return nil }
        let path = "\(resultsDirectory(job))/\(ResultFile.name(of: task))"
        guard let bytes = try StoreFiles.read(path) else {
            index.withLock { _ = $0.results[job]?.remove(task) }
            return nil
        }
        do {
            return try ResultFile.decode(bytes, job: job, task: task)
        } catch {
            index.withLock { _ = $0.results[job]?.remove(task) }
            setAside(path, why: error.description, metadata: ["job": "\(job)", "task": "\(task)"])
            return nil
        }
    }

    public func resultCount(of job: String) throws(JobStoreError) -> Int {
        index.withLock { $0.results[job]?.count ?? 0 }
    }

    public func update(job: String, state: JobState, message: String?) throws(JobStoreError) {
        guard var stored = index.withLock({ $0.jobs[job] }) else {
            throw JobStoreError(.unknownJob, "no job \(job) in the store")
        }
        stored.state = state
        stored.message = message
        if state.isFinal, stored.finishedAt == nil { stored.finishedAt = WallClock.seconds() }
        try writeState(stored)
    }

    public func saveMetrics(job: String, json: [UInt8]) throws(JobStoreError) {
        guard index.withLock({ $0.jobs[job] != nil }) else {
            throw JobStoreError(.unknownJob, "no job \(job) in the store for its metrics")
        }
        try StoreFiles.writeAtomically(json, directory: jobDirectory(job), name: JobFiles.metrics)
    }

    public func metrics(of job: String) throws(JobStoreError) -> [UInt8]? {
        guard index.withLock({ $0.jobs[job] != nil }) else { return nil }
        let path = "\(jobDirectory(job))/\(JobFiles.metrics)"
        guard let bytes = try StoreFiles.read(path) else { return nil }
        guard Self.isJSONObject(bytes) else {
            setAside(path, why: "not a complete JSON object", metadata: ["job": "\(job)"])
            return nil
        }
        return bytes
    }

    public func jobs() throws(JobStoreError) -> [StoredJob] {
        index.withLock { index in index.order.compactMap { index.jobs[$0] } }
    }

    public func job(_ id: String) throws(JobStoreError) -> StoredJob? {
        index.withLock { $0.jobs[id] }
    }

    public func savePredictions(job: String, size: Int, fill: (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void) throws(JobStoreError) {
        guard index.withLock({ $0.jobs[job] != nil }) else {
            throw JobStoreError(.unknownJob, "no job \(job) in the store for its predictions")
        }
        let folder = jobDirectory(job)
        _ = try FilledFile.write(
            at: "\(folder)/\(StoreFiles.temporaryName(for: JobFiles.predictions))", size: size, durable: true,
            rename: "\(folder)/\(JobFiles.predictions)", fill: fill)
        try StoreFiles.syncDirectory(folder)
    }

    public func predictions(of job: String) throws(JobStoreError) -> MappedFile? {
        guard index.withLock({ $0.jobs[job] != nil }) else { return nil }
        let path = "\(jobDirectory(job))/\(JobFiles.predictions)"
        guard StoreFiles.exists(path) else { return nil }
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw JobStoreError(.unreadable, error.message)
        }
        guard PredictionsFile.Header(file.bytes) != nil else {
            setAside(path, why: "not a predictions file, or cut short", metadata: ["job": "\(job)"])
            return nil
        }
        return file
    }

    public func hasDataset(hash: String) -> Bool {
        index.withLock { $0.datasets.contains(hash) }
    }

    public func receiveDataset(hash: String, size: Int) throws(JobStoreError) -> IncomingDataset {
        guard JobFiles.isValidHash(hash) else {
            throw JobStoreError(.unwritable, "\(hash) is not a dataset hash (64 lowercase hex digits)")
        }
        let path = "\(datasetsDirectory)/\(StoreFiles.temporaryName(for: Self.datasetFileName(hash)))"
        do {
            return try IncomingDataset(path: path, hash: hash, size: size, name: "upload \(hash.prefix(12))")
        } catch {
            throw JobStoreError(.unwritable, "\(error.message); check the state dir's free space and permissions")
        }
    }

    public var keepsDatasets: Bool { true }

    public func keepDataset(_ incoming: IncomingDataset) throws(JobStoreError) {
        let hash = incoming.hash
        let path = "\(datasetsDirectory)/\(Self.datasetFileName(hash))"
        do {
            try incoming.keep(at: path, durable: true)
            try StoreFiles.syncDirectory(datasetsDirectory)
            try VerifiedFileRecord.write(for: path, sha256: hash)
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw JobStoreError(.unwritable, "\(error)")
        }
        index.withLock { _ = $0.datasets.insert(hash) }
    }

    public func openDataset(hash: String) throws(JobStoreError) -> Dataset? {
        guard JobFiles.isValidHash(hash), index.withLock({ $0.datasets.contains(hash) }) else { return nil }
        let path = "\(datasetsDirectory)/\(Self.datasetFileName(hash))"
        guard StoreFiles.exists(path) else {
            index.withLock { _ = $0.datasets.remove(hash) }
            return nil
        }
        // The name is the hash of the bytes: a damaged file is never served to workers.
        if !VerifiedFileRecord.vouches(for: path, sha256: hash) {
            let actual: String
            do {
                actual = try VerifiedFileRecord.hashFile(path)
            } catch {
                throw JobStoreError(.unreadable, error.message)
            }
            guard actual == hash else {
                discardDataset(hash, path: path, why: "its bytes hash to \(actual)")
                return nil
            }
            try? VerifiedFileRecord.write(for: path, sha256: hash)
        }
        do {
            return try CanonicalDataset.open(path: path)
        } catch {
            discardDataset(hash, path: path, why: error.message)
            return nil
        }
    }

    private func discardDataset(_ hash: String, path: String, why: String) {
        setAside(path, why: why, metadata: ["dataset": "\(hash)"])
        VerifiedFileRecord.remove(for: path)
        index.withLock { _ = $0.datasets.remove(hash) }
    }

    // MARK: Helpers

    static func datasetFileName(_ hash: String) -> String { "\(hash).cfds" }

    func writeState(_ job: StoredJob) throws(JobStoreError) {
        try StoreFiles.writeAtomically(
            JobFiles.encode(JobFiles.stateFile(of: job)), directory: jobDirectory(job.id), name: JobFiles.state)
        index.withLock { $0.jobs[job.id] = job }
    }

    /// Moves a damaged file to `<name>.corrupt` (kept for inspection, ignored from then on).
    func setAside(_ path: String, why: String, metadata: Logger.Metadata) {
        let moved = (try? StoreFiles.move(path, to: path + ".corrupt")) != nil
        logger.error("ignored a damaged file in the job store; what it held will be computed or uploaded again",
                     metadata: metadata.merging(["file": "\(path)", "reason": "\(why)", "set_aside": "\(moved)"]) { $1 })
    }

    static func isJSONObject(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
    }
}
