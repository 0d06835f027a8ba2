/// Every exit code of every command, in one place: `crossfold --help` prints `table`, README.md
/// shows the same table, and `CommandFailure.from(_:)` (CommandFailure.swift) maps every error of
/// the libraries to one of them. sysexits.h numbers where one fits (74 is EX_IOERR, 75 EX_TEMPFAIL);
/// 79 is crossfold's own; 130 is the shell's for SIGINT.
enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case unhealthy = 1
    case usage = 64
    case invalidDataset = 65
    case notFound = 66
    case unavailable = 69
    case evaluationFailed = 70
    case cannotWrite = 73
    case fileCutShort = 74
    case notFinished = 75
    case alreadyEnded = 79
    case interrupted = 130

    /// What the code means, in the words of the help and the README.
    var meaning: String {
        switch self {
        case .success: "success"
        case .unhealthy: "unhealthy (`crossfold health` only, for container probes)"
        case .usage: "usage: a wrong option, value or combination; nothing was done"
        case .invalidDataset: "invalid dataset: the message names the file, the line or row, and the rule"
        case .notFound: "not found: the coordinator has no job with that id"
        case .unavailable: "unavailable: no coordinator, no worker joined in time, or an address in use"
        case .evaluationFailed: "the evaluation failed, or was cancelled"
        case .cannotWrite: "cannot write an output file (checked before any work)"
        case .fileCutShort: "a dataset file was cut short while crossfold read it (SIGBUS)"
        case .notFinished: "not finished: the job is still queued or running; try again later"
        case .alreadyEnded: "already ended: `cancel` of a job that completed or failed"
        case .interrupted: "interrupted (Ctrl-C): evaluate cancels its job, submit and watch leave it"
        }
    }

    /// The table as `crossfold --help` and README.md show it, one code a line.
    static var table: String {
        allCases.map { status in
            let code = String(status.rawValue)
            return String(repeating: " ", count: 3 - code.count) + code + "  " + status.meaning
        }.joined(separator: "\n")
    }
}
