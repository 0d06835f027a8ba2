import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a finished child process ended and what it wrote.
public struct ProcessOutcome: Sendable, CustomStringConvertible {
    /// The command line, for messages.
    public var command: [String]
    /// The exit status, or the signal number when `signalled`.
    public var status: Int32
    /// True when the process was ended by a signal.
    public var signalled: Bool
    public var standardOutput: String
    public var standardError: String
    /// Wall-clock time from start to exit.
    public var elapsed: Duration

    /// True when the process exited by itself with status 0.
    public var succeeded: Bool { !signalled && status == 0 }

    public var description: String {
        let ending = signalled ? "was killed by signal \(status)" : "exited with status \(status)"
        return "`\(command.joined(separator: " "))` \(ending) after \(elapsed)\n"
            + "--- stdout\n\(ProcessOutcome.tail(standardOutput))\n--- stderr\n\(ProcessOutcome.tail(standardError))"
    }

    /// The last `lines` lines of `text`, for failure messages that must stay readable.
    public static func tail(_ text: String, lines: Int = 40) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard all.count > lines else { return text }
        return "[... \(all.count - lines) lines before]\n" + all.suffix(lines).joined(separator: "\n")
    }
}

/// A child process that could not be started, or did not finish within its deadline.
public enum ProcessRunError: Error, Sendable, CustomStringConvertible {
    case cannotStart(command: [String], reason: String)
    /// The process was still running at the deadline; it was killed. `outcome` holds what it wrote.
    case timedOut(after: Duration, outcome: ProcessOutcome)

    public var description: String {
        switch self {
        case .cannotStart(let command, let reason):
            "cannot start `\(command.joined(separator: " "))`: \(reason)"
        case .timedOut(let deadline, let outcome):
            "still running after \(deadline), killed: \(outcome)"
        }
    }
}

/// Runs child processes without blocking a thread of the cooperative pool: the exit arrives through
/// Foundation's termination handler, and output goes to files (never pipes, so a chatty child
/// cannot fill a pipe and hang).
public enum ProcessRunner {
    /// Runs `executable` with `arguments` and returns how it ended, whatever its status.
    ///
    /// - Parameter timeout: after this the process gets SIGTERM, then SIGKILL 5 s later.
    /// - Throws: `ProcessRunError.cannotStart` when it cannot be started, `.timedOut` when it
    ///   outlived `timeout`.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, timeout: Duration
    ) async throws(ProcessRunError) -> ProcessOutcome {
        let command = [executable.path] + arguments
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("process-runner-\(UUID().uuidString)", isDirectory: true)
        let output = directory.appendingPathComponent("stdout")
        let errors = directory.appendingPathComponent("stderr")
        let process = Process()
        let handles: (FileHandle, FileHandle)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: output)
            try Data().write(to: errors)
            handles = (try FileHandle(forWritingTo: output), try FileHandle(forWritingTo: errors))
        } catch {
            throw .cannotStart(command: command, reason: "cannot create its output files in \(directory.path): \(error)")
        }
        defer {
            try? handles.0.close()
            try? handles.1.close()
            try? FileManager.default.removeItem(at: directory)
        }
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handles.0
        process.standardError = handles.1

        let exit = ExitFlag()
        process.terminationHandler = { _ in exit.set() }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try process.run()
        } catch {
            throw .cannotStart(command: command, reason: "\(error)")
        }
        let pid = process.processIdentifier

        let finished = await exit.wait(upTo: timeout)
        if !finished {
            kill(pid, SIGTERM)
            if !(await exit.wait(upTo: .seconds(5))) {
                kill(pid, SIGKILL)
                _ = await exit.wait(upTo: .seconds(30))
            }
        }
        // Foundation traps when asked for the status of a process that has not been reaped.
        let ended = exit.isSet
        let outcome = ProcessOutcome(
            command: command,
            status: ended ? process.terminationStatus : -1,
            signalled: ended ? process.terminationReason == .uncaughtSignal : true,
            standardOutput: String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self),
            standardError: String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self),
            elapsed: clock.now - start
        )
        guard finished else { throw .timedOut(after: timeout, outcome: outcome) }
        return outcome
    }
}

/// Set once by the termination handler (on Foundation's own thread), polled by the waiting task:
/// a sleep loop in the task costs nothing on the pool and cannot lose a wake-up.
private final class ExitFlag: Sendable {
    private let exited = Mutex(false)

    func set() { exited.withLock { $0 = true } }

    var isSet: Bool { exited.withLock { $0 } }

    /// True when the flag was set before `deadline` passed.
    func wait(upTo deadline: Duration) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while true {
            if isSet { return true }
            if clock.now >= end { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
