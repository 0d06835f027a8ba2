import Logging
import Wire

#if canImport(Glibc)
import Glibc
#endif

extension DirectoryJobStore {
    /// What opening the store found, for its log line.
    struct LoadSummary {
        var unfinished = 0
        var results = 0
        var temporaryRemoved = 0
    }

    /// Writes `FORMAT` in a new store; refuses a store of another format.
    static func checkFormat(_ directory: String) throws(JobStoreError) {
        let path = "\(directory)/\(formatFile)"
        guard let bytes = try StoreFiles.read(path) else {
            try StoreFiles.writeAtomically(Array((formatLine + "\n").utf8), directory: directory, name: formatFile)
            return
        }
        let found = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard found == formatLine else {
            throw JobStoreError(.incompatible, """
                \(path) says "\(found)", not "\(formatLine)": this state dir was written by another crossfold \
                release; run that release, or give this one an empty --state-dir
                """)
        }
    }

    /// Proves the directory takes a durable write now, rather than at the first job.
    static func probeWrite(_ directory: String) throws(JobStoreError) {
        let name = ".probe"
        try StoreFiles.writeAtomically(Array("crossfold\n".utf8), directory: directory, name: name)
        if unlink("\(directory)/\(name)") != 0 {
            throw StoreFiles.failure(.unwritable, "cannot remove \(directory)/\(name)", errno)
        }
    }

    /// Reads every job's spec and state and lists the results and datasets, removing temporary
    /// files and refusing (with a log line) what cannot be read.
    static func load(_ directory: String, logger: Logger) throws(JobStoreError) -> (Index, LoadSummary) {
        var index = Index()
        var summary = LoadSummary()
        summary.temporaryRemoved += removeTemporaries(in: directory)
        let datasets = "\(directory)/\(datasetsFolder)"
        summary.temporaryRemoved += removeTemporaries(in: datasets)
        for name in try StoreFiles.list(datasets) where name.hasSuffix(".cfds") {
            let hash = String(name.dropLast(5))
            if JobFiles.isValidHash(hash) { index.datasets.insert(hash) }
        }
        let jobs = "\(directory)/\(jobsFolder)"
        summary.temporaryRemoved += removeTemporaries(in: jobs)
        var loaded: [StoredJob] = []
        for id in try StoreFiles.list(jobs) where !id.hasPrefix(".") {
            let folder = "\(jobs)/\(id)"
            guard JobFiles.isValidID(id), StoreFiles.isDirectory(folder) else { continue }
            summary.temporaryRemoved += removeTemporaries(in: folder)
            summary.temporaryRemoved += removeTemporaries(in: "\(folder)/\(JobFiles.results)")
            guard var job = try readJob(id, in: folder, logger: logger) else { continue }
            let tasks = Set(try StoreFiles.list("\(folder)/\(JobFiles.results)").compactMap(ResultFile.task(ofFileNamed:)))
            if job.state == .completed, !hasMetrics(folder) {
                logger.warning("a completed job has no readable metrics; it resumes and computes them again", metadata: [
                    "job": "\(id)",
                ])
                job.state = .running
                job.finishedAt = nil
            }
            if !job.state.isFinal { summary.unfinished += 1 }
            summary.results += tasks.count
            index.results[id] = tasks
            index.jobs[id] = job
            loaded.append(job)
        }
        index.order = loaded.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(\.id)
        return (index, summary)
    }

    /// A job from its `spec.json` and `state`; nil (logged) when its spec cannot be read.
    static func readJob(_ id: String, in folder: String, logger: Logger) throws(JobStoreError) -> StoredJob? {
        let specPath = "\(folder)/\(JobFiles.spec)"
        guard let bytes = try StoreFiles.read(specPath), let spec = JobFiles.decode(JobFiles.Spec.self, bytes), spec.id == id else {
            logger.error("ignored a job directory without a readable spec.json", metadata: ["job": "\(id)", "file": "\(specPath)"])
            return nil
        }
        var job = StoredJob(
            id: id, spec: spec.spec, request: spec.request, state: .running, createdAt: spec.createdAt, owner: spec.owner)
        // `state` is only ever replaced whole; if it is missing or unreadable (edited by hand),
        // the job counts as unfinished, so it resumes rather than being lost.
        let statePath = "\(folder)/\(JobFiles.state)"
        if let bytes = try StoreFiles.read(statePath), let state = JobFiles.decode(JobFiles.State.self, bytes) {
            job.state = state.state
            job.message = state.message
            job.finishedAt = state.finishedAt
        } else {
            logger.warning("a job's state file is missing or unreadable; the job resumes", metadata: [
                "job": "\(id)", "file": "\(statePath)",
            ])
        }
        return job
    }

    static func hasMetrics(_ folder: String) -> Bool {
        guard let bytes = try? StoreFiles.read("\(folder)/\(JobFiles.metrics)") else { return false }
        return isJSONObject(bytes)
    }

    /// Removes the temporary files and folders a crash left in `directory`; returns how many.
    static func removeTemporaries(in directory: String) -> Int {
        let names = ((try? StoreFiles.list(directory)) ?? []).filter(StoreFiles.isTemporary)
        for name in names { StoreFiles.removeTree("\(directory)/\(name)") }
        return names.count
    }
}
