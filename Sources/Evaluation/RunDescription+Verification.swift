import JSON

extension RunDescription {
    /// What verification by recomputation did for a cluster job (docs/RESULTS.md, `run.verification`):
    /// some of its tasks computed again on another worker and compared bit for bit.
    public struct Verification: Sendable, Equatable {
        /// The fraction of tasks asked to be recomputed (`--verify`).
        public var fraction: Double
        /// Tasks chosen for a second computation.
        public var tasksChecked: Int
        /// Tasks whose result two workers agreed on, bit for bit.
        public var tasksVerified: Int
        /// Tasks on which two workers disagreed (each settled by a third).
        public var mismatches: Int
        /// Workers quarantined for disagreeing with the majority, whose results were recomputed.
        public var quarantined: [String]
        /// Computations beyond one per task: checks, tie-breaks and recomputations.
        public var extraTasks: Int
        /// Why verification could not run (fewer than 2 workers, say); nil when it ran.
        public var notRun: String?

        public init(fraction: Double, tasksChecked: Int, tasksVerified: Int, mismatches: Int, quarantined: [String],
                    extraTasks: Int, notRun: String? = nil) {
            self.fraction = fraction
            self.tasksChecked = tasksChecked
            self.tasksVerified = tasksVerified
            self.mismatches = mismatches
            self.quarantined = quarantined
            self.extraTasks = extraTasks
            self.notRun = notRun
        }
    }
}

extension CrossfoldReport {
    static func json(_ verification: RunDescription.Verification) -> JSONValue {
        .object([
            "fraction": .number(verification.fraction),
            "tasks_checked": .number(Double(verification.tasksChecked)),
            "tasks_verified": .number(Double(verification.tasksVerified)),
            "mismatches": .number(Double(verification.mismatches)),
            "quarantined_workers": .array(verification.quarantined.map(JSONValue.string)),
            "extra_tasks": .number(Double(verification.extraTasks)),
            "not_run": verification.notRun.map(JSONValue.string) ?? .null,
        ])
    }

    static func verification(_ fields: JSONFields) throws(CrossfoldReportError) -> RunDescription.Verification {
        RunDescription.Verification(
            fraction: try fields.number("fraction"), tasksChecked: try fields.int("tasks_checked"),
            tasksVerified: try fields.int("tasks_verified"), mismatches: try fields.int("mismatches"),
            quarantined: try fields.strings("quarantined_workers"), extraTasks: try fields.int("extra_tasks"),
            notRun: try fields.optionalString("not_run"))
    }
}
