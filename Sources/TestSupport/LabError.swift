/// Why a lab could not be used, or what a lab test waited for in vain.
public enum LabError: Error, Sendable, CustomStringConvertible {
    /// The machine cannot run a lab (not root, no `ip netns`, no script); under CI this fails the test.
    case unavailable(String)
    /// A `cluster/lab/lab` command failed.
    case scriptFailed(ProcessOutcome)
    /// An expected event did not happen in time; `waitedFor` says what, `log` is the process log's tail.
    case timedOut(waitedFor: String, after: Duration, log: String)
    /// The crossfold executable was not found where the test build puts it.
    case missingExecutable(String)

    public var description: String {
        switch self {
        case .unavailable(let reason):
            "the namespace lab is unavailable: \(reason)"
        case .scriptFailed(let outcome):
            "cluster/lab/lab failed: \(outcome)"
        case .timedOut(let waitedFor, let deadline, let log):
            "waited \(deadline) for \(waitedFor), in vain; the log ends:\n\(log)"
        case .missingExecutable(let reason):
            reason
        }
    }
}
