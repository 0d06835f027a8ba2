import Wire

/// The line `status` prints about verification by recomputation (docs/RELIABILITY.md).
enum VerificationText {
    /// `tasks`: the job's task count, to give the extra computations as a share of it.
    static func line(_ summary: VerificationSummary, tasks: Int) -> String {
        if let notRun = summary.notRun { return "verification could not run: \(notRun)" }
        guard summary.tasksChecked > 0 || summary.finished else {
            return "verification of \(percent(summary.fraction)) of the tasks: waiting for every task's first result"
        }
        var text = "verification: \(summary.tasksVerified)/\(summary.tasksChecked) checked tasks verified bit for bit, "
            + "\(summary.mismatches) mismatch\(summary.mismatches == 1 ? "" : "es"), \(summary.extraTasks) extra task computation"
            + (summary.extraTasks == 1 ? "" : "s")
            + (tasks > 0 ? " (\(percent(Double(summary.extraTasks) / Double(tasks))) of \(tasks) tasks)" : "")
        if !summary.quarantined.isEmpty { text += "; quarantined: \(summary.quarantined.joined(separator: ", "))" }
        return text
    }

    static func percent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
