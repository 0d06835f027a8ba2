import Foundation

/// A background process started in a lab host with `Lab.start`: its pid, its log, its exit.
///
/// The waits poll the files the lab script keeps (`NAME.log`, and `NAME.rc` once the process has
/// been reaped) every 50 ms: they observe events rather than sleep for a guessed time, and the
/// deadline is only there to turn a hang into a failure with the log attached.
public struct LabProcess: Sendable, CustomStringConvertible {
    public let lab: Lab
    public let name: String
    public let host: Int
    public let pid: Int32
    /// The files' common path without extension (`.log`, `.pid`, `.rc`).
    let files: URL

    init(lab: Lab, name: String, host: Int, pid: Int32, files: URL) {
        self.lab = lab
        self.name = name
        self.host = host
        self.pid = pid
        self.files = files
    }

    public var description: String { "\(name) on h\(host) (pid \(pid))" }

    /// Everything the process wrote to stdout and stderr so far.
    public var logURL: URL { files.appendingPathExtension("log") }

    public func log() -> String {
        String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
    }

    /// The complete lines written so far (a line still being written is left out).
    public func lines() -> [Substring] {
        let text = log()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // empty after a final newline, or an unfinished line
        return lines
    }

    /// The exit status once the process has ended (128 + N when signal N killed it), else nil.
    public var exitStatus: Int32? {
        guard let text = try? String(contentsOf: files.appendingPathExtension("rc"), encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the process.
    public func send(_ signal: LabSignal) async throws {
        try await lab.send(signal, to: self)
    }

    /// Waits for the first complete line at index `startIndex` or later for which `predicate` holds,
    /// and returns it with its index.
    ///
    /// - Throws: `LabError.timedOut` with the log's tail when no such line appears in `timeout`, or
    ///   the process exits without writing one.
    public func waitForLine(
        _ what: String, from startIndex: Int = 0, timeout: Duration = .seconds(60),
        where predicate: (Substring) -> Bool
    ) async throws -> (index: Int, line: Substring) {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + timeout
        while true {
            // Read the exit first: a line written just before the exit is then still seen below.
            let exited = !isRunning
            let all = lines()
            if startIndex < all.count, let index = all[startIndex...].firstIndex(where: predicate) {
                return (index, all[index])
            }
            if exited {
                throw LabError.timedOut(waitedFor: "\(what) in the log of \(self), which exited with \(exitStatus ?? -1)",
                                        after: clock.now - start, log: ProcessOutcome.tail(log()))
            }
            if clock.now >= end {
                throw LabError.timedOut(waitedFor: "\(what) in the log of \(self)", after: timeout,
                                        log: ProcessOutcome.tail(log()))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for a line containing `text`.
    @discardableResult
    public func waitForLine(containing text: String, from startIndex: Int = 0,
                            timeout: Duration = .seconds(60)) async throws -> (index: Int, line: Substring) {
        try await waitForLine("a line containing \"\(text)\"", from: startIndex, timeout: timeout) { $0.contains(text) }
    }

    /// Waits for the process to end and returns its exit status.
    ///
    /// - Throws: `LabError.timedOut` when it is still running after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if clock.now >= end {
                throw LabError.timedOut(waitedFor: "\(self) to exit", after: timeout, log: ProcessOutcome.tail(log()))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
