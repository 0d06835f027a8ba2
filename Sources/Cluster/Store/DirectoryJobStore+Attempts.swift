/// Lost attempts in the directory store: `jobs/<id>/attempts.json`, rewritten atomically at each
/// loss (losses are rare, and the file holds only the tasks that had one).
extension DirectoryJobStore {
    public func saveLostAttempts(job: String, task: Int, _ lost: LostAttempts) throws(JobStoreError) {
        guard index.withLock({ $0.jobs[job] != nil }) else {
            throw JobStoreError(.unknownJob, "no job \(job) in the store for its lost attempts")
        }
        var tasks = try lostAttempts(of: job)
        tasks[task] = lost
        let file = JobFiles.Attempts(tasks: Dictionary(uniqueKeysWithValues: tasks.map { (String($0.key), $0.value) }))
        try StoreFiles.writeAtomically(JobFiles.encode(file), directory: jobDirectory(job), name: JobFiles.attempts)
    }

    public func lostAttempts(of job: String) throws(JobStoreError) -> [Int: LostAttempts] {
        guard index.withLock({ $0.jobs[job] != nil }) else { return [:] }
        let path = "\(jobDirectory(job))/\(JobFiles.attempts)"
        guard let bytes = try StoreFiles.read(path) else { return [:] }
        guard let file = JobFiles.decode(JobFiles.Attempts.self, bytes) else {
            // Treated as absent: the job's folds get their attempts back, which is the safe side.
            setAside(path, why: "not the attempts of a job", metadata: ["job": "\(job)"])
            return [:]
        }
        var tasks: [Int: LostAttempts] = [:]
        for (key, lost) in file.tasks {
            guard let task = Int(key), task >= 0, lost.count > 0 else { continue }
            tasks[task] = lost
        }
        return tasks
    }
}
