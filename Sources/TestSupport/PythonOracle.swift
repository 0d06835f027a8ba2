import Foundation
import Synchronization
import Testing

/// Runs small Python programs as test oracles (scikit-learn, numpy, clarifai-grpc).
///
/// Tests call `try PythonOracle.require(modules:)` first. When python3 or a module is missing,
/// the test is skipped with the reason, unless the environment variable `CI` is set: then it fails
/// loudly, so CI cannot pass without its oracles.
public enum PythonOracle {
    /// A Python run that could not start, or exited with a failure.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The interpreter: `$PYTHON` when set, else `python3` on the PATH.
    public static var interpreter: String {
        ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
    }

    /// Runs `script` with `python3 -c`, feeding it `stdin`, and returns its standard output.
    ///
    /// - Throws: `PythonOracle.Failure` when python3 cannot be started or exits non-zero (the
    ///   message holds its standard error).
    public static func run(script: String, stdin: Data = Data()) throws -> Data {
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
    ) throws -> String {
        try require(modules: modules, sourceLocation: sourceLocation)
        return String(decoding: try run(script: script, stdin: Data(input.utf8)), as: UTF8.self)
    }

    /// Skips the calling test when python3 or one of `modules` is missing, or fails it when `CI`
    /// is set. Results are cached per module list for the life of the test process.
    ///
    /// - Throws: `PythonOracle.Failure` under CI; otherwise Swift Testing's cancellation, which
    ///   reports the test as skipped with the reason.
    public static func require(modules: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let problem = missing(modules: modules) else { return }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            throw Failure(description: "\(problem). CI is set, so the oracle test fails instead of skipping: "
                + "install python3 with \(modules.joined(separator: ", ")) (pip install numpy scikit-learn clarifai-grpc)")
        }
        try Test.cancel("skipped: \(problem) (set CI=1 to make this a failure)", sourceLocation: sourceLocation)
    }

    /// Why `modules` cannot be imported, or nil when they can.
    public static func missing(modules: [String]) -> String? {
        let key = modules.joined(separator: ",")
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let problem: String?
        do {
            let imports = modules.isEmpty ? "pass" : "import " + modules.joined(separator: ", ")
            _ = try run(script: imports)
            problem = nil
        } catch {
            problem = "python oracle unavailable: \(error)"
        }
        cache.withLock { $0[key] = .some(problem) }
        return problem
    }

    private static let cache = Mutex<[String: String?]>([:])
}
