import Foundation
import Synchronization
import Testing

/// Runs a Python snippet as an independent oracle for a test: `python3 -c SCRIPT` with `input` on
/// stdin, returning what it printed on stdout.
///
/// When python3 or a required module is missing, the test is skipped (cancelled with a note saying
/// what is missing) on a developer machine, and fails loudly when the environment variable `CI` is
/// set, so a CI run never passes without its oracles.
public enum PythonOracle {
    /// Runs `script` with `python3 -c`, feeding `input` on stdin, after checking that `python3` and
    /// every module in `modules` import.
    ///
    /// - Returns: the script's standard output.
    /// - Throws: `PythonOracleError` when the script exits non-zero (with its stderr), or when python3
    ///   or a module is missing and `CI` is set; otherwise a missing python3 or module cancels the
    ///   current test (`Test.cancel`), which Swift Testing reports as skipped.
    public static func run(_ script: String, input: String = "", requiring modules: [String] = []) throws -> String {
        if let missing = missingRequirement(modules) {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                throw PythonOracleError.unavailable(missing + " (CI is set, so this oracle test must run)")
            }
            try Test.cancel("\(missing); skipping this oracle check (set CI=1 to make it a failure)")
        }
        let result = try execute(script: script, input: input)
        guard result.status == 0 else {
            throw PythonOracleError.scriptFailed(status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }

    /// Why the oracle cannot run here (python3 or a module missing), or nil when it can. Answers are
    /// cached per module list for the life of the test process.
    public static func missingRequirement(_ modules: [String]) -> String? {
        let key = modules.joined(separator: ",")
        if let cached = availability.withLock({ $0[key] }) { return cached }
        let answer = probe(modules)
        availability.withLock { $0[key] = answer }
        return answer
    }

    private static let availability = Mutex<[String: String?]>([:])

    /// One python3 start for all modules; `find_spec` locates a module without importing it.
    private static func probe(_ modules: [String]) -> String? {
        let script = """
            import importlib.util, sys
            print(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))
            """
        guard let result = try? execute(script: script, arguments: modules, input: ""), result.status == 0 else {
            return "python3 is not on PATH"
        }
        let missing = result.stdout.split(whereSeparator: \.isWhitespace)
        return missing.isEmpty ? nil : "python3 cannot import \(missing.joined(separator: ", "))"
    }

    /// Runs python3 through files rather than pipes, so a large stdout or stderr can never deadlock
    /// against a stdin still being written.
    private static func execute(
        script: String, arguments: [String] = [], input: String
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crossfold-oracle-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("stdin")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)

        let stdin = try FileHandle(forReadingFrom: inURL)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let err = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }
}

/// A Python oracle that could not give an answer.
public enum PythonOracleError: Error, CustomStringConvertible {
    /// python3 or a required module is missing where the oracle must run (CI).
    case unavailable(String)
    /// The script exited with a non-zero status.
    case scriptFailed(status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .unavailable(let reason):
            "Python oracle unavailable: \(reason). Install python3 with the module (e.g. pip install scikit-learn)."
        case .scriptFailed(let status, let stderr):
            "Python oracle script exited with status \(status):\n\(stderr)"
        }
    }
}
