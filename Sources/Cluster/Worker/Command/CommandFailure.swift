/// Why a run of the user's program (`--model command`) gave no usable scores. Its description
/// names the program, what went wrong and what to do, followed by the last lines the program
/// wrote to its standard error.
///
/// Every case fails the attempt as a retryable task failure (`internal`, docs/COMMAND-LEARNER.md):
/// a crash, a time-out or a missing program can be the host's (memory, a library or file missing
/// there), so the task goes to another worker, and after the scheduler's attempts (3) the job fails
/// with this message. A deterministic bug costs those attempts, never more.
struct CommandFailure: Error, Equatable, CustomStringConvertible {
    enum Reason: Equatable {
        /// The program could not be started (errno's text).
        case notStarted(String)
        case exited(Int32)
        case signalled(Int32)
        case timedOut(Duration)
        /// It exited 0 without writing the scores file.
        case noOutput
        /// The scores file is not a 2-D float NPY matrix (the reader's message).
        case unreadableOutput(String)
        case wrongShape(rows: Int, columns: Int, expectedRows: Int, expectedColumns: Int)
        /// A score that is NaN or outside [0, 1], at a test row and concept column.
        case badScore(Float, row: Int, column: Int)
        /// The fold's files could not be written (the writer's message).
        case scratch(String)
        /// The fold was cancelled and the program's process group killed (the outcome is discarded).
        case cancelled
    }

    let program: String
    let reason: Reason
    /// The last lines of the program's standard error, oldest first (empty when it wrote none).
    let stderrTail: [String]

    var description: String {
        let name = "the command learner's program \(program)"
        let message: String = switch reason {
        case .notStarted(let why):
            "\(name) could not be started: \(why). It must exist and be executable on every worker host (in the image or on "
                + "a shared path), with a #! line if it is a script"
        case .exited(let status):
            "\(name) exited with status \(status)"
        case .signalled(let signal):
            "\(name) was killed by signal \(signal)\(signal == 9 ? " (out of memory?)" : "")"
        case .timedOut(let limit):
            "\(name) did not finish within \(Self.seconds(limit)) s and was killed with its process group; "
                + "raise --param timeout=SECONDS if it needs longer"
        case .noOutput:
            "\(name) exited 0 without writing its scores to $CROSSFOLD_OUTPUT (an n_test x C float32 .npy matrix)"
        case .unreadableOutput(let why):
            "\(name) wrote scores that are not a 2-D float NPY matrix: \(why)"
        case .wrongShape(let rows, let columns, let expectedRows, let expectedColumns):
            "\(name) wrote a \(rows) x \(columns) score matrix; the fold needs \(expectedRows) x \(expectedColumns) "
                + "(one row per test row, one column per concept in the order of concepts.txt)"
        case .badScore(let value, let row, let column):
            "\(name) wrote score \(value) at test row \(row), concept column \(column); every score must be a probability "
                + "in [0, 1], never NaN"
        case .scratch(let why):
            "the fold's files for \(name) could not be written: \(why)"
        case .cancelled:
            "\(name) was stopped with its process group: the fold was cancelled"
        }
        guard !stderrTail.isEmpty else { return message + " (its standard error was empty)" }
        return message + "; the last lines of its standard error:\n" + stderrTail.map { "  | " + $0 }.joined(separator: "\n")
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
