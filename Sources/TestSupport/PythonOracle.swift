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
    /// One oracle runs at a time (the `python` lane of `ExclusiveTests`), as the tests run any child
    /// (`CLI.run`: input and output in files, the exit awaited without holding a thread). Waiting
    /// on the cooperative pool (one thread per core, two in CI), two oracles stopped every other test
    /// for 30 s; unbounded, the forty-odd oracles that start with the suite (numpy, scipy and
    /// scikit-learn imports, a second or two of CPU each) outran the test process on two cores for
    /// over a minute.
    ///
    /// - Throws: `PythonOracle.Failure` when python3 cannot be started or exits non-zero (the
    ///   message holds its standard error).
    public static func run(script: String, stdin: Data = Data()) async throws -> Data {
        let result: CLIResult
        do {
            result = try await ExclusiveTests.python.run {
                try await CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: [interpreter, "-c", script],
                                  timeout: .seconds(600), standardInput: stdin)
            }
        } catch {
            throw Failure(description: "cannot run \(interpreter): \(error)")
        }
        guard result.exitCode == 0 else {
            throw Failure(description: "\(interpreter) exited with status \(result.exitCode): "
                + result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return Data(result.standardOutput.utf8)
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
