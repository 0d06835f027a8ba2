import Foundation
import Synchronization
import Testing

/// Runs small Python programs as test oracles (scikit-learn, numpy, clarifai-grpc).
///
/// Tests call `try PythonOracle.require(modules:)` first. When python3 or a module is missing the
/// test fails, saying how to install them (`pip install -r .ci/requirements.txt`), so no run passes
/// without its oracles by accident; `CROSSFOLD_SKIP_ORACLES=1` skips such tests instead, with the
/// reason, for a machine that deliberately has no python.
public enum PythonOracle {
    /// A Python run that could not start, or exited with a failure.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The interpreter: `$PYTHON` when set, else `python3` on the PATH.
    public static var interpreter: String {
        ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
    }

    /// Runs `script` with `python3 -c`, feeding it `stdin`, and returns its standard output.
    ///
    /// One oracle runs at a time (the `python` lane of `ExclusiveTests`), and the wait for it is on
    /// a thread of its own (`DedicatedThread`). Waiting on the cooperative pool (one thread per
    /// core, two in CI), two oracles stopped every other test for 30 s; unbounded, the forty-odd
    /// oracles that start with the suite (numpy, scipy and scikit-learn imports, a second or two of
    /// CPU each) outran the test process on two cores for over a minute.
    ///
    /// - Throws: `PythonOracle.Failure` when python3 cannot be started or exits non-zero (the
    ///   message holds its standard error).
    public static func run(script: String, stdin: Data = Data()) async throws -> Data {
        try await ExclusiveTests.python.run {
            try await DedicatedThread.run("crossfold.test.python") { try runBlocking(script: script, stdin: stdin) }
        }
    }

    private static func runBlocking(script: String, stdin: Data) throws -> Data {
        // Files rather than pipes: a large stdin and a large stdout can never deadlock each other.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("python-oracle-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("stdin")
        let output = directory.appendingPathComponent("stdout")
        let errors = directory.appendingPathComponent("stderr")
        try stdin.write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", script]
        let inputHandle = try FileHandle(forReadingFrom: input)
        let outputHandle = try FileHandle(forWritingTo: output)
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer {
            try? inputHandle.close()
            try? outputHandle.close()
            try? errorHandle.close()
        }
        process.standardInput = inputHandle
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(interpreter): \(error)")
        }
        process.waitUntilExit()
        let stderrText = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(description: "\(interpreter) exited with status \(process.terminationStatus): \(stderrText)")
        }
        return try Data(contentsOf: output)
    }

    /// Text in, text out: checks `modules` (skipping or failing as `require` does), runs `script` with
    /// `input` on stdin and returns its standard output as a string.
    public static func run(
        _ script: String, input: String = "", requiring modules: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        try await require(modules: modules, sourceLocation: sourceLocation)
        return String(decoding: try await run(script: script, stdin: Data(input.utf8)), as: UTF8.self)
    }

    /// The environment variable that turns a missing oracle from a failure into a skip.
    public static let skipVariable = "CROSSFOLD_SKIP_ORACLES"

    /// What a test does about its oracle.
    public enum Verdict: Equatable, Sendable {
        case run
        case skip(String)
        case fail(String)
    }

    /// The verdict for an oracle that is missing for `problem` (nil: present) under `environment`.
    public static func verdict(problem: String?, modules: [String], environment: [String: String]) -> Verdict {
        guard let problem else { return .run }
        if environment[skipVariable] == "1" { return .skip("skipped: \(problem) (\(skipVariable)=1)") }
        return .fail("\(problem). The oracle tests need python3 with \(modules.joined(separator: ", ")): run "
            + "`python3 -m pip install -r .ci/requirements.txt` (README.md), or set \(skipVariable)=1 to skip them")
    }

    /// Fails the calling test when python3 or one of `modules` is missing, or skips it when
    /// `CROSSFOLD_SKIP_ORACLES=1`. Results are cached per module list for the life of the test process.
    ///
    /// - Throws: `PythonOracle.Failure` saying how to install the oracles; with the opt-out, Swift
    ///   Testing's cancellation, which reports the test as skipped with the reason.
    public static func require(modules: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        switch verdict(problem: await missing(modules: modules), modules: modules, environment: ProcessInfo.processInfo.environment) {
        case .run: return
        case .skip(let reason): try Test.cancel("\(reason)", sourceLocation: sourceLocation)
        case .fail(let message): throw Failure(description: message)
        }
    }

    /// Why `modules` cannot be imported, or nil when they can.
    public static func missing(modules: [String]) async -> String? {
        let key = modules.joined(separator: ",")
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let problem: String?
        do {
            let imports = modules.isEmpty ? "pass" : "import " + modules.joined(separator: ", ")
            _ = try await run(script: imports)
            problem = nil
        } catch {
            problem = "python oracle unavailable: \(error)"
        }
        cache.withLock { $0[key] = .some(problem) }
        return problem
    }

    private static let cache = Mutex<[String: String?]>([:])
}
