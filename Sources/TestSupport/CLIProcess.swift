import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One running child process with its standard output and error captured in files (so a chatty
/// child never blocks on a full pipe), standard input /dev/null. Made by ``CLI/start(_:environment:directory:)``
/// and ``CLI/run(_:environment:directory:timeout:)``. A process still running when its value is
/// released is killed.
public final class CLIProcess: Sendable {
    public let arguments: [String]
    private let process: Process
    private let capture: OutputFiles
    private let exit = ExitSignal()
    private let started = ContinuousClock.now

    /// Spawns `executable` with ``CLI/childEnvironment(_:)`` plus `environment`.
    ///
    /// - Throws: `CLIError.cannotStart` when it cannot be spawned; the file system's error when
    ///   the capture files cannot be made.
    init(executable: URL, arguments: [String], environment: [String: String], directory: URL?, standardInput: Data? = nil) throws {
        self.arguments = arguments
        capture = try OutputFiles(input: standardInput)
        process = Process()
        if let nice = Self.nice {
            process.executableURL = nice
            process.arguments = ["-n", "10", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.environment = CLI.childEnvironment(environment)
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = capture.input ?? FileHandle.nullDevice
        process.standardOutput = capture.output
        process.standardError = capture.error
        let exit = self.exit
        process.terminationHandler = { _ in exit.fire() }
        do {
            try process.run()
        } catch {
            capture.closeWriters()
            capture.remove()
            throw CLIError.cannotStart(executable: executable.path, reason: "\(error)")
        }
    }

    /// Children run at nice 10, through `nice`, which execs them in place (same pid, so signals and
    /// /proc reach them), and whose setting every thread they start inherits. The test process
    /// times and drives them: at the suite's start a hundred tests start `crossfold` at once, and
    /// on two cores the children had taken the CPU from the test process's two pool threads, so
    /// polls and time limits of unrelated tests fired a minute late. Children still compete with
    /// each other as equals.
    private static let nice: URL? = ["/usr/bin/nice", "/bin/nice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        capture.closeWriters()
        capture.remove()
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// What the child has written to standard output so far.
    public var standardOutputSoFar: String { capture.read(capture.outputURL) }

    /// What the child has written to standard error so far.
    public var standardErrorSoFar: String { capture.read(capture.errorURL) }

    /// Whether the child catches or ignores `signal` by now (`SigCgt` and `SigIgn` in
    /// /proc/PID/status). A child just spawned has neither until its runtime sets them up, and
    /// `nice`, which execs it, has neither: the signal would end it whatever the child would do.
    public func handles(_ signal: Int32) -> Bool {
        guard process.isRunning,
              let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return false }
        let bit = UInt64(1) << UInt64(signal - 1)
        for line in status.split(separator: "\n") where line.hasPrefix("SigCgt:") || line.hasPrefix("SigIgn:") {
            let mask = UInt64(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
            if mask & bit != 0 { return true }
        }
        return false
    }

    /// Sends SIGTERM (a graceful stop for the daemons).
    public func terminate() {
        send(SIGTERM)
    }

    /// Sends `signal` to the child while it runs: SIGINT is what Ctrl-C sends.
    public func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Polls standard output and error until `condition` holds for them (returning true), the
    /// child exits, or `timeout` passes (both returning false). The output is looked at once more
    /// at the deadline: a test process whose threads were all busy may wake only after it, and the
    /// child's output then decides, not the lateness of the poll.
    public func waitForOutput(timeout: Duration, _ condition: (_ output: String, _ error: String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(standardOutputSoFar, standardErrorSoFar) { return true }
            if !process.isRunning { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(standardOutputSoFar, standardErrorSoFar)
    }

    /// Waits for the child to exit and returns how it ended and everything it printed. Past
    /// `timeout` it gets SIGTERM, then SIGKILL 5 s later.
    ///
    /// - Throws: `CLIError.timedOut` with what it printed when the timeout fired.
    public func wait(timeout: Duration) async throws -> CLIResult {
        let timedOut = await waitForExit(timeout: timeout)
        let duration = ContinuousClock.now - started
        let output = standardOutputSoFar
        let error = standardErrorSoFar
        if timedOut {
            throw CLIError.timedOut(arguments: arguments, after: timeout, standardOutput: output, standardError: error)
        }
        let bySignal = process.terminationReason == .uncaughtSignal
        return CLIResult(
            arguments: arguments,
            exitCode: bySignal ? 128 + process.terminationStatus : process.terminationStatus,
            signal: bySignal ? process.terminationStatus : nil,
            standardOutput: output, standardError: error, duration: duration)
    }

    /// Waits for the exit; past `timeout`, sends SIGTERM, then SIGKILL after a grace period, and
    /// still waits for the exit. Returns whether the timeout fired.
    private func waitForExit(timeout: Duration) async -> Bool {
        enum Event: Sendable { case exited, timeout, escalate }
        let (exit, process) = (self.exit, self.process)
        let pid = process.processIdentifier
        return await withTaskGroup(of: Event.self) { group in
            group.addTask {
                await exit.wait()
                return .exited
            }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return .exited }
                return .timeout
            }
            var timedOut = false
            while let event = await group.next() {
                switch event {
                case .exited:
                    group.cancelAll()
                    return timedOut
                case .timeout:
                    timedOut = true
                    kill(pid, SIGTERM)
                    group.addTask {
                        try? await Task.sleep(for: .seconds(5))
                        return .escalate
                    }
                case .escalate:
                    if process.isRunning { kill(pid, SIGKILL) }
                }
            }
            return timedOut
        }
    }
}

/// A one-shot signal from the process's termination handler (a Dispatch thread) to the tasks
/// waiting for it; a wait that starts after the signal returns at once.
private final class ExitSignal: Sendable {
    private enum State {
        case pending([CheckedContinuation<Void, Never>])
        case fired
    }

    private let state = Mutex(State.pending([]))

    func fire() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard case .pending(let continuations) = state else { return [] }
            state = .fired
            return continuations
        }
        for continuation in waiting { continuation.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                switch state {
                case .fired:
                    return true
                case .pending(var continuations):
                    continuations.append(continuation)
                    state = .pending(continuations)
                    return false
                }
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Two files in a private directory that receive a child's standard output and error.
private struct OutputFiles: Sendable {
    let directory: URL
    let outputURL: URL
    let errorURL: URL
    let output: FileHandle
    let error: FileHandle
    /// The child's standard input, from a file (never a pipe that a large input could fill).
    let input: FileHandle?

    init(input data: Data?) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crossfold-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("stdout")
        errorURL = directory.appendingPathComponent("stderr")
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        output = try FileHandle(forWritingTo: outputURL)
        error = try FileHandle(forWritingTo: errorURL)
        if let data {
            let inputURL = directory.appendingPathComponent("stdin")
            try data.write(to: inputURL)
            input = try FileHandle(forReadingFrom: inputURL)
        } else {
            input = nil
        }
    }

    /// Closes this process's copies of the files (the child keeps its own).
    func closeWriters() {
        try? output.close()
        try? error.close()
        try? input?.close()
    }

    func read(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
