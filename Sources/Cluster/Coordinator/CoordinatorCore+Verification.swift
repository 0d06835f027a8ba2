import Datasets
import Wire

/// The coordinator's side of verification by recomputation: results of jobs that asked for it get
/// a digest (SHA-256 of the scores' bytes); check results are compared by the scheduler and held
/// here until their task is settled, in case they replace the stored result; the job's metrics
/// are computed once those replacements are written.
extension CoordinatorCore {
    /// The SHA-256 of a result's scores as little-endian IEEE 754 bytes: equal exactly when the
    /// results are bit-identical.
    static func digest(of scores: [Float]) -> ResultDigest {
        var hasher = SHA256Hasher()
        scores.withUnsafeBytes { hasher.update(raw: $0) }  // in place: no copy of the scores on the loop
        return ResultDigest(hasher.finalize())
    }

    /// What `jobAdded` carries for a job: the fraction it asked for, else the coordinator's default.
    func verifyRequest(for spec: JobSpec) -> VerifyRequest? {
        let fraction = spec.verify ?? scheduler.configuration.verify
        guard fraction > 0 else { return nil }
        return VerifyRequest(fraction: min(1, fraction), seed: makeVerifySeed())
    }

    /// A check attempt's result: held, and compared by the scheduler.
    mutating func receiveCheck(
        _ result: WorkerMessage.TaskResult, scores: [Float], from worker: WorkerID, into out: inout [CoordinatorOutput]
    ) {
        let attempt = TaskAttempt(job: result.job, task: result.task, attempt: result.attempt)
        heldChecks[attempt] = StoredResult(
            job: result.job, task: result.task, attempt: result.attempt, worker: worker.rawValue, seconds: result.seconds,
            scores: scores)
        apply(scheduler.handle(.checkReturned(worker, attempt, Self.digest(of: scores)), now: now), into: &out)
    }

    /// A checked task is settled: its held check results go, and (`adopt`) the majority's replaces
    /// the stored one before the job may complete.
    mutating func checkSettled(job: String, task: Int, adopt: TaskAttempt?, into out: inout [CoordinatorOutput]) {
        let adopted = adopt.flatMap { heldChecks[$0] }
        for key in heldChecks.keys where key.job == job && key.task == task { heldChecks[key] = nil }
        if let adopted {
            replacing[job, default: 0] += 1
            out.append(.persist(.adoptedCheck(adopted)))
        }
    }

    /// A replacement's write returned. The job's metrics wait for the last one.
    mutating func replacementKept(_ result: StoredResult, error: JobStoreError?, into out: inout [CoordinatorOutput]) {
        if let error {
            out.append(.log(.error, "could not replace a result that verification found wrong; the job fails", [
                "task": "\(result.job)/\(result.task)", "error": "\(error)",
            ]))
            replacing[result.job] = nil
            completing.remove(result.job)
            apply(scheduler.handle(.cancelJob(result.job, reason: "the job store could not replace a wrong result: \(error)"), now: now),
                  into: &out)
            return
        }
        replacing[result.job, default: 1] -= 1
        if replacing[result.job] == 0 {
            replacing[result.job] = nil
            if completing.remove(result.job) != nil { requestMetrics(for: result.job, into: &out) }
        }
    }

    /// Carries out the verification actions of the scheduler.
    mutating func applyVerification(_ action: SchedulerAction, into out: inout [CoordinatorOutput]) {
        switch action {
        case .resultsDisagree(let attempt, let workers):
            out.append(.log(.warning, "two workers returned different results for a task; a third computes it", [
                "task": "\(attempt.job)/\(attempt.task)", "workers": "\(workers.map(\.rawValue).joined(separator: " "))",
            ]))
        case .quarantined(let worker, let reason):
            out.append(.log(.error, "worker quarantined: it gets no more tasks", ["worker": "\(worker)", "reason": "\(reason)"]))
        case .checkSettled(let job, let task, let adopt):
            checkSettled(job: job, task: task, adopt: adopt, into: &out)
        case .verificationFinished(let job, let summary):
            jobs[job]?.verification = summary
            out.append(.log(summary.mismatches > 0 || summary.notRun != nil ? .warning : .info, "verification finished", [
                "job": "\(job)", "checked": "\(summary.tasksChecked)", "verified": "\(summary.tasksVerified)",
                "mismatches": "\(summary.mismatches)", "extra_tasks": "\(summary.extraTasks)",
                "quarantined": "\(summary.quarantined.joined(separator: " "))", "not_run": "\(summary.notRun ?? "")",
            ]))
        default:
            break
        }
    }
}
