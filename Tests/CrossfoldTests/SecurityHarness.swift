import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Child processes for the security tests: the built `crossfold` executable and python3 hostile
/// peers, with output in files and waits that never block a thread of the cooperative pool.
enum SecurityHarness {
    /// The `crossfold` executable built beside this test bundle (`swift build --build-tests`
    /// builds it), or `$CROSSFOLD_BINARY`.
    static var binary: String {
        if let given = ProcessInfo.processInfo.environment["CROSSFOLD_BINARY"] { return given }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("crossfold").path
    }

    /// Tests/Scripts/hostile-peers.py.
    static var hostilePeers: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/hostile-peers.py").path
    }

    /// A fresh private scratch directory.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "crossfold-security-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return path
    }

    struct HarnessFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Output: Sendable, CustomStringConvertible {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var description: String { "exit \(status)\nstdout: \(standardOutput)\nstderr: \(standardError)" }
    }

    /// A running child process.
    ///
    /// `@unchecked Sendable`: `Process` is a class Foundation does not mark Sendable; each child is
    /// started, polled and stopped by one test at a time, and `isRunning`, `processIdentifier` and
    /// `terminate` are safe to call from any thread.
    final class Child: @unchecked Sendable {
        let process = Process()
        let directory: String
        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            directory = try SecurityHarness.scratch("child")
            for name in ["stdout", "stderr"] {
                guard FileManager.default.createFile(atPath: directory + "/" + name, contents: nil) else {
                    throw HarnessFailure("cannot create \(directory)/\(name)")
                }
            }
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            // The tests' own CROSSFOLD_* settings (CROSSFOLD_KEYS, ...) must not leak into the child.
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CROSSFOLD_") }
                .merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stdout"))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stderr"))
            try process.run()
        }

        var standardOutput: String { (try? String(contentsOfFile: directory + "/stdout", encoding: .utf8)) ?? "" }
        var standardError: String { (try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "" }

        /// Waits for the exit, polling; kills the process after `timeout`.
        func wait(timeout: Duration) async throws -> Output {
            let end = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now > end {
                    kill(pid, SIGKILL)
                    while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            return Output(status: process.terminationStatus, standardOutput: standardOutput, standardError: standardError)
        }

        /// SIGTERM, then the exit (SIGKILL after 10 s).
        func stop() async throws -> Output {
            if process.isRunning { process.terminate() }
            return try await wait(timeout: .seconds(10))
        }
    }

    /// Runs `crossfold ARGUMENTS` to the end.
    static func crossfold(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Output {
        try await Child(binary, arguments).wait(timeout: timeout)
    }

    /// Runs the hostile-peers script to the end and decodes its JSON.
    static func hostile<T: Decodable>(_ arguments: [String], as type: T.Type, timeout: Duration) async throws -> T {
        let output = try await Child("/usr/bin/env", [PythonOracle.interpreter, hostilePeers] + arguments).wait(timeout: timeout)
        guard output.status == 0 else { throw HarnessFailure("hostile-peers.py: \(output)") }
        return try JSONDecoder().decode(T.self, from: Data(output.standardOutput.utf8))
    }

    /// A `crossfold coordinator` on ephemeral 127.0.0.1 ports, with its bound ports once listening.
    struct Coordinator {
        let child: Child
        let ports: (client: Int, worker: Int, data: Int)

        static func start(keys: String?) async throws -> Coordinator {
            var arguments = ["coordinator", "--log-format", "json"]
            for flag in ["--client-bind", "--worker-bind", "--data-bind"] { arguments += [flag, "tcp://127.0.0.1:*"] }
            if let keys { arguments += ["--keys", keys] }
            let child = try Child(binary, arguments)
            let end = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < end, child.isRunning {
                for line in child.standardOutput.split(separator: "\n") where line.contains("\"coordinator listening\"") {
                    let fields = try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
                    func port(_ key: String) -> Int { Int(fields[key]?.split(separator: ":").last ?? "") ?? 0 }
                    return Coordinator(child: child, ports: (port("client"), port("worker"), port("data")))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let output = try await child.stop()
            throw HarnessFailure("the coordinator did not start listening: \(output)")
        }

        var portArguments: [String] { ["--ports", "\(ports.client)", "\(ports.worker)", "\(ports.data)"] }
    }

    /// The resident set size of process `pid` in KiB (VmRSS of /proc/PID/status).
    static func residentKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
