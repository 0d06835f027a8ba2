/// How a `crossfold` run ended and what it printed.
public struct CLIResult: Sendable, CustomStringConvertible {
    /// The arguments after the executable's name.
    public let arguments: [String]
    /// The exit status; 128 + the signal number when a signal ended the process (as shells report it).
    public let exitCode: Int32
    /// The signal that ended the process, if one did.
    public let signal: Int32?
    public let standardOutput: String
    public let standardError: String
    /// Wall time from spawn to exit.
    public let duration: Duration

    public init(arguments: [String], exitCode: Int32, signal: Int32?, standardOutput: String, standardError: String,
                duration: Duration) {
        self.arguments = arguments
        self.exitCode = exitCode
        self.signal = signal
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.duration = duration
    }

    /// The lines of standard error, without empty ones.
    public var standardErrorLines: [String] {
        standardError.split(separator: "\n").map(String.init)
    }

    /// Whether `text` occurs in standard output or standard error.
    public func printed(_ text: String) -> Bool {
        standardOutput.contains(text) || standardError.contains(text)
    }

    /// The command, its exit and both streams, for test failure messages.
    public var description: String {
        """
        crossfold \(arguments.joined(separator: " ")) -> exit \(exitCode)\(signal.map { " (signal \($0))" } ?? "") \
        after \(duration)
        --- stdout ---
        \(standardOutput)
        --- stderr ---
        \(standardError)
        """
    }
}
