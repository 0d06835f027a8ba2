import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `crossfold` executable as a subprocess, the way a user or a script does, for
/// end-to-end tests of the command line.
///
/// The executable is found beside the running test bundle (`swift build --build-tests` builds it
/// there, since the test target depends on the executable target), or at `$CROSSFOLD_EXECUTABLE`.
/// Standard input is /dev/null; standard output and error go to files, so a chatty child can
/// never block on a full pipe.
public enum CLI {
    /// What the child inherits: this process's environment without any `CLARIFAI_*` or
    /// `CROSSFOLD_*` variable (a developer's own settings must not leak into a test), then
    /// `environment` on top.
    public static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var inherited = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("CLARIFAI_") && !key.hasPrefix("CROSSFOLD_")
        }
        inherited.merge(environment) { $1 }
        return inherited
    }

    /// Runs `crossfold arguments...` in `directory` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - environment: added to ``childEnvironment(_:)``.
    ///   - directory: the working directory (default: this process's).
    ///   - timeout: how long the child may run; then it gets SIGTERM, and SIGKILL 5 s later.
    /// - Throws: `CLIError.executableNotFound` when the binary is not built, `.cannotStart` when
    ///   it cannot be spawned, `.timedOut` (with what it printed so far) when it outlives `timeout`.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> CLIResult {
        try await run(executable: try executable(), arguments: arguments, environment: environment,
                      directory: directory, timeout: timeout)
    }

    /// Runs any executable the way ``run(_:environment:directory:timeout:)`` runs `crossfold`.
    public static func run(
        executable: URL, arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> CLIResult {
        let capture = try OutputFiles()
        defer {
            capture.closeWriters()
            capture.remove()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = childEnvironment(environment)
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = capture.output
        process.standardError = capture.error
        let exit = ExitSignal()
        process.terminationHandler = { _ in exit.fire() }

        let started = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw CLIError.cannotStart(executable: executable.path, reason: "\(error)")
        }
        let timedOut = await waitForExit(process, exit: exit, timeout: timeout)
        let duration = ContinuousClock.now - started
        capture.closeWriters()

        let output = capture.read(capture.outputURL)
        let error = capture.read(capture.errorURL)
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

    /// Waits for `process` to exit; past `timeout`, sends SIGTERM, then SIGKILL after a grace
    /// period, and still waits for the exit. Returns whether the timeout fired.
    private static func waitForExit(_ process: Process, exit: ExitSignal, timeout: Duration) async -> Bool {
        enum Event: Sendable { case exited, timeout, escalate }
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

    /// The `crossfold` executable: `$CROSSFOLD_EXECUTABLE`, else the first `crossfold` file found
    /// beside the test bundle or in one of its parent directories (Linux runs the bundle as an
    /// executable in `.build/<triple>/debug`; macOS nests it in `crossfoldPackageTests.xctest/Contents/MacOS`).
    ///
    /// - Throws: `CLIError.executableNotFound` listing the places searched.
    public static func executable() throws -> URL {
        if let found = located.withLock({ $0 }) { return found }
        let searched = searchDirectories()
        if let override = ProcessInfo.processInfo.environment["CROSSFOLD_EXECUTABLE"], !override.isEmpty {
            guard isExecutableFile(override) else {
                throw CLIError.executableNotFound(searched: ["$CROSSFOLD_EXECUTABLE = \(override)"])
            }
            return URL(fileURLWithPath: override)
        }
        for directory in searched {
            let candidate = directory.appendingPathComponent("crossfold").path
            if isExecutableFile(candidate) {
                let url = URL(fileURLWithPath: candidate)
                located.withLock { $0 = url }
                return url
            }
        }
        throw CLIError.executableNotFound(searched: searched.map(\.path))
    }

    private static let located = Mutex<URL?>(nil)

    /// The running test executable's directory and up to four parents, then every loaded
    /// `.xctest` bundle's directory.
    private static func searchDirectories() -> [URL] {
        var starts: [URL] = []
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: resolved))
        }
        if let main = Bundle.main.executableURL { starts.append(main.resolvingSymlinksInPath()) }
        if let first = CommandLine.arguments.first, first.contains("/") {
            starts.append(URL(fileURLWithPath: first).standardizedFileURL.resolvingSymlinksInPath())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL.appendingPathComponent("crossfold-placeholder"))
        }
        var directories: [URL] = []
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<5 {
                if !directories.contains(directory) { directories.append(directory) }
                let parent = directory.deletingLastPathComponent()
                if parent == directory { break }
                directory = parent
            }
        }
        return directories
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}

/// A one-shot signal from the process's termination handler (a Dispatch thread) to the task
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
private struct OutputFiles {
    let directory: URL
    let outputURL: URL
    let errorURL: URL
    let output: FileHandle
    let error: FileHandle

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crossfold-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("stdout")
        errorURL = directory.appendingPathComponent("stderr")
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        output = try FileHandle(forWritingTo: outputURL)
        error = try FileHandle(forWritingTo: errorURL)
    }

    /// Closes this process's copies of the files (the child's are gone once it exited).
    func closeWriters() {
        try? output.close()
        try? error.close()
    }

    func read(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
