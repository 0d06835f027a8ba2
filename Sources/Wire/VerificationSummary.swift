/// What verification by recomputation has done for a job so far (STATUS, `verification`): some of
/// its tasks computed again on a different worker and compared bit for bit (docs/RELIABILITY.md,
/// Verification by recomputation).
public struct VerificationSummary: Sendable, Codable, Equatable {
    /// The fraction of the job's tasks asked to be recomputed.
    public var fraction: Double
    /// Tasks chosen for a second computation (at least one per worker that contributed).
    public var tasksChecked: Int
    /// Tasks whose result two workers agreed on, bit for bit.
    public var tasksVerified: Int
    /// Tasks on which two workers disagreed.
    public var mismatches: Int
    /// Workers quarantined (no more tasks) for disagreeing with the majority on this job's tasks, or
    /// whose results in this job were recomputed because they were quarantined.
    public var quarantined: [String]
    /// Computations beyond one per task: checks, tie-breaks and recomputations.
    public var extraTasks: Int
    /// Why verification could not run, when it could not (fewer than 2 workers, say).
    public var notRun: String?
    /// Whether every chosen task has been settled.
    public var finished: Bool

    public init(fraction: Double, tasksChecked: Int, tasksVerified: Int, mismatches: Int, quarantined: [String],
                extraTasks: Int, notRun: String? = nil, finished: Bool) {
        self.fraction = fraction
        self.tasksChecked = tasksChecked
        self.tasksVerified = tasksVerified
        self.mismatches = mismatches
        self.quarantined = quarantined
        self.extraTasks = extraTasks
        self.notRun = notRun
        self.finished = finished
    }
}
