/// Why a `CLI` run produced no result.
public enum CLIError: Error, Sendable, CustomStringConvertible {
    /// No `crossfold` executable in any of the places searched.
    case executableNotFound(searched: [String])
    /// The executable exists but could not be spawned.
    case cannotStart(executable: String, reason: String)
    /// The child outlived its timeout and was terminated; what it printed until then.
    case timedOut(arguments: [String], after: Duration, standardOutput: String, standardError: String)

    public var description: String {
        switch self {
        case .executableNotFound(let searched):
            "no crossfold executable found; build it with `swift build --build-tests` (or set CROSSFOLD_EXECUTABLE). "
                + "Searched: \(searched.joined(separator: ", "))"
        case .cannotStart(let executable, let reason):
            "cannot start \(executable): \(reason)"
        case .timedOut(let arguments, let after, let output, let error):
            "crossfold \(arguments.joined(separator: " ")) still ran after \(after) and was terminated\n"
                + "--- stdout ---\n\(output)\n--- stderr ---\n\(error)"
        }
    }
}
