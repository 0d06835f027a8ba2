/// The parameters of `--model command`: the user's program, run once per fold by a cluster worker
/// (docs/COMMAND-LEARNER.md is the contract), and how long it may take. Only the parameters live
/// here; running the program is the worker's (its shell, `CommandFold` in the Cluster module),
/// never `FoldTask`'s, which stays a pure function.
public struct CommandSettings: Sendable, Equatable {
    /// How the fold's rows reach the program.
    public enum Inputs: String, Sendable, CaseIterable {
        /// When the dataset is a canonical file the program can open (a `.cfds` input, a worker's
        /// cache entry), it gets that file's path and the row indices and reads the rows in place;
        /// otherwise the rows are copied, as with `copy`.
        case auto
        /// The training and test rows are always written out as NPY float32 matrices.
        case copy
    }

    /// The program as the worker runs it: a path (relative to the worker's working directory), or a
    /// name looked up on the worker's PATH. It is executed directly, without a shell; a script
    /// needs its `#!` line and the executable bit.
    public let program: String
    /// How long one run may take before its process group is killed and the fold fails.
    public let timeout: Duration
    public let inputs: Inputs

    public static let parameters: [LearnerParameter] = [
        LearnerParameter(
            key: "program", domain: .text, defaultValue: "",
            meaning: "The training program each worker runs once per fold (required; the same path on every worker host, "
                + "no shell, scripts need #! and +x): it gets the fold's files and writes an n_test x C float32 score matrix "
                + "(examples/learners/README.md)."),
        LearnerParameter(
            key: "timeout", domain: .real(lowerBound: 0, inclusive: false), defaultValue: "3600",
            meaning: "Seconds one run may take; then its whole process group is killed and the fold fails (and is retried)."),
        LearnerParameter(
            key: "inputs", domain: .choice(Inputs.allCases.map(\.rawValue)), defaultValue: Inputs.auto.rawValue,
            meaning: "auto: a .cfds dataset is read in place (its path and the row indices are given, nothing copied); "
                + "copy: the fold's rows are always written as NPY matrices."),
    ]

    /// The settings `spec` gives.
    /// - Throws: `badParameter` for an unknown key or a bad value, and when no program is named.
    public init(_ spec: LearnerSpec) throws(LearnerError) {
        let values = try ParameterValues(model: spec.model, parameters: Self.parameters, given: spec.params)
        program = values.text("program")
        guard !program.isEmpty else {
            throw LearnerError(
                .badParameter,
                "--model command needs the program to run: --param program=PATH (a path that exists on every worker host; "
                    + "examples/learners/sklearn_logistic.py is one)")
        }
        timeout = .milliseconds(Int64((values.real("timeout") * 1000).rounded(.up)))
        inputs = Inputs(rawValue: values.choice("inputs")) ?? .auto
    }
}
