import Foundation
import Synchronization
import Testing

/// A network-namespace lab (cluster/lab/lab): hosts h0..hN-1, each its own network namespace with
/// one address on a private bridge, for tests that run real processes on separate "machines".
///
/// Use `withLab(hosts:_:)`, which skips or fails when labs are unavailable and always tears the lab
/// down. Hosts are numbered from 0; `address(of:)` gives a host's IPv4 address, the only kind of
/// address a lab process should ever be pointed at.
public final class Lab: Sendable {
    public let name: String
    public let hostCount: Int
    /// The first three octets of the lab's /24 (`10.X.Y`).
    public let subnetPrefix: String
    /// The lab's state directory: `lab.env`, and per host `hN/NAME.{pid,rc,log}`.
    public let directory: URL
    private let isDown = Mutex(false)

    private init(name: String, hostCount: Int, subnetPrefix: String, directory: URL) {
        self.name = name
        self.hostCount = hostCount
        self.subnetPrefix = subnetPrefix
        self.directory = directory
    }

    /// Creates a lab with a fresh random name and `hosts` hosts.
    ///
    /// - Throws: `LabError.scriptFailed` when `lab up` fails (it leaves nothing behind).
    public static func up(hosts: Int) async throws -> Lab {
        let name = "cf" + String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let outcome = try await script(["up", name, String(hosts)], timeout: .seconds(60))
        // `lab up` prints the subnet as 10.X.Y.0/24.
        let subnet = outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard subnet.hasSuffix(".0/24") else {
            _ = try? await script(["down", name, "--purge"], timeout: .seconds(60))
            throw LabError.scriptFailed(outcome)
        }
        let directoryText = try await script(["dir", name], timeout: .seconds(10)).standardOutput
        return Lab(name: name, hostCount: hosts, subnetPrefix: String(subnet.dropLast(".0/24".count)),
                   directory: URL(fileURLWithPath: directoryText.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Host `host`'s IPv4 address inside the lab.
    public func address(of host: Int) -> String {
        precondition((0..<hostCount).contains(host), "lab \(name) has hosts 0..<\(hostCount), not \(host)")
        return "\(subnetPrefix).\(10 + host)"
    }

    /// Runs `arguments` inside `host` and returns how it ended, whatever its exit status.
    ///
    /// - Throws: `ProcessRunError` when it cannot start or outlives `timeout` (it is killed).
    public func run(on host: Int, _ arguments: [String], timeout: Duration = .seconds(300)) async throws -> ProcessOutcome {
        try await ProcessRunner.run(Self.scriptURL, ["exec", name, "h\(host)", "--"] + arguments, timeout: timeout)
    }

    /// Starts `arguments` in the background inside `host` under `processName` (unique in the host),
    /// its output going to `hN/processName.log` in the lab directory.
    ///
    /// - Throws: `LabError.scriptFailed` when the lab cannot start it.
    public func start(_ processName: String, on host: Int, _ arguments: [String]) async throws -> LabProcess {
        let outcome = try await Self.script(["exec", name, "h\(host)", "--bg", processName, "--"] + arguments,
                                            timeout: .seconds(30))
        guard let pid = Int32(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LabError.scriptFailed(outcome)
        }
        return LabProcess(lab: self, name: processName, host: host, pid: pid,
                          files: directory.appendingPathComponent("h\(host)/\(processName)"))
    }

    /// Takes `host`'s link down (as if its cable were pulled) or brings it back up.
    public func setLink(of host: Int, up: Bool) async throws {
        _ = try await Self.script(["link", name, "h\(host)", up ? "up" : "down"], timeout: .seconds(30))
    }

    /// Limits `host`'s link to `megabits` per second each way (tc tbf on both ends of its cable),
    /// or lifts the limit with nil.
    public func setRate(of host: Int, megabits: Int?) async throws {
        _ = try await Self.script(["rate", name, "h\(host)", megabits.map(String.init) ?? "off"], timeout: .seconds(30))
    }

    /// Bytes `host` has sent and received on its link so far.
    public func bytes(of host: Int) async throws -> (sent: Int, received: Int) {
        let outcome = try await Self.script(["bytes", name, "h\(host)"], timeout: .seconds(30))
        let fields = outcome.standardOutput.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard fields.count == 2 else { throw LabError.scriptFailed(outcome) }
        return (fields[0], fields[1])
    }

    /// Sends `signal` to a process started with `start`.
    public func send(_ signal: LabSignal, to process: LabProcess) async throws {
        _ = try await Self.script(["kill", name, "h\(process.host)", process.name, signal.rawValue], timeout: .seconds(30))
    }

    /// Every process started in the lab, by host, then by name.
    public func processes() -> [LabProcess] {
        var found: [LabProcess] = []
        for host in 0..<hostCount {
            let hostDirectory = directory.appendingPathComponent("h\(host)")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: hostDirectory.path)) ?? [])
                .filter { $0.hasSuffix(".pid") }.map { String($0.dropLast(4)) }.sorted()
            for processName in names {
                let files = hostDirectory.appendingPathComponent(processName)
                guard let text = try? String(contentsOf: files.appendingPathExtension("pid"), encoding: .utf8),
                      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
                found.append(LabProcess(lab: self, name: processName, host: host, pid: pid, files: files))
            }
        }
        return found
    }

    /// What was done to the lab and when (`events.log`: up, start, link, kill, down), one line each.
    public func events() -> [String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("events.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The lab's events, then the state and last `lines` log lines of every process, for failure messages.
    public func diagnostics(lines: Int = 25) -> String {
        var report = "lab \(name) (\(subnetPrefix).0/24), state in \(directory.path)\n=== events\n"
        report += events().suffix(lines).joined(separator: "\n")
        for process in processes() {
            let state = process.exitStatus.map { "exited \($0)" } ?? "running"
            report += "\n=== h\(process.host) \(process.name) (pid \(process.pid), \(state))\n"
            report += ProcessOutcome.tail(process.log(), lines: lines)
        }
        return report
    }

    /// Kills every process of the lab and deletes its namespaces; keeps the state directory (logs)
    /// when `keepingLogs`. Safe to call more than once.
    ///
    /// - Throws: `LabError.scriptFailed` when `lab down` fails.
    public func down(keepingLogs: Bool) async throws {
        _ = try await Self.script(["down", name] + (keepingLogs ? [] : ["--purge"]), timeout: .seconds(60))
        isDown.withLock { $0 = true }
    }

    deinit {
        // Backstop for a lab dropped without `down` (withLab always calls it): a synchronous run in
        // deinit is acceptable for a test fixture and better than leaking namespaces.
        guard !isDown.withLock({ $0 }) else { return }
        let process = Process()
        process.executableURL = Self.scriptURL
        process.arguments = ["down", name]
        try? process.run()
        process.waitUntilExit()
    }

    // MARK: - The script

    /// cluster/lab/lab in this package, or `$CROSSFOLD_LAB_SCRIPT`.
    public static var scriptURL: URL {
        if let path = ProcessInfo.processInfo.environment["CROSSFOLD_LAB_SCRIPT"] {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.appendingPathComponent("cluster/lab/lab")
    }

    /// The package's root directory (this file is Sources/TestSupport/Lab.swift).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs the lab script and returns its outcome.
    ///
    /// - Throws: `LabError.scriptFailed` when it exits non-zero, `ProcessRunError` when it cannot run.
    @discardableResult
    static func script(_ arguments: [String], timeout: Duration) async throws -> ProcessOutcome {
        let outcome = try await ProcessRunner.run(scriptURL, arguments, timeout: timeout)
        guard outcome.succeeded else { throw LabError.scriptFailed(outcome) }
        return outcome
    }
}

/// Signals `Lab.send(_:to:)` can deliver: the ones a cluster test has a use for.
public enum LabSignal: String, Sendable {
    case terminate = "TERM"
    case kill = "KILL"
    case interrupt = "INT"
    /// Freezes the process (a hung host, as the chaos test needs); `resume` thaws it.
    case stop = "STOP"
    case resume = "CONT"
}
