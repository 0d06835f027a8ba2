@testable import crossfold
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Random command lines (CommandLineGenerator) run as real processes: none may end by a signal
/// or with a code outside the documented table (ExitStatus); daemons must stop with 0 on SIGTERM.
///
/// Deterministic: `CROSSFOLD_CLI_FUZZ_SEED` (default below) and `CROSSFOLD_CLI_FUZZ_COUNT` set the
/// run; `CROSSFOLD_CLI_FUZZ_CASE=N` replays case N of that seed alone, and `CROSSFOLD_CLI_FUZZ_SHOW=CODE`
/// prints the command lines that ended with CODE. A failure names the seed, the case and the command
/// line; the summary gives the time and the slowest cases.
@Suite struct CommandLineFuzzTests {
    static let defaultSeed: UInt64 = 0x11_C0DE
    static let defaultCount = 400
    /// Processes at once: most wait on nothing, so a few more than the cores.
    static let width = 4
    /// A command (not a daemon) still running after this has started long work or hung.
    static let limit: Duration = .seconds(40)
    /// A daemon still running after this gets SIGTERM.
    static let grace: Duration = .seconds(3)

    /// The workspace every case starts from.
    static func workspaceFiles(_ workspace: CLIWorkspace) throws {
        var tiny = ["id,group,label,f0,f1,f2"]
        var multi = ["id,labels,f0,f1"]
        for row in 0..<40 {
            let (x, y) = (Double(row % 7) / 7, Double(row % 5) / 5)
            tiny.append("r\(row),g\(row % 5),\(row % 2 == 0 ? "a" : "b"),\(x + Double(row % 2)),\(y),\(x * y)")
            multi.append("m\(row),\(row % 2 == 0 ? "a|b" : "a"),\(x),\(y + Double(row % 2))")
        }
        try workspace.write("tiny.csv", tiny.joined(separator: "\n") + "\n")
        try workspace.write("multi.csv", multi.joined(separator: "\n") + "\n")
        try workspace.write("bad.csv", "label,f0\na,1\nb,x\n")
        try workspace.write("file.txt", "not a dataset\n")
        try workspace.write("iris.jsonl", data: Data(contentsOf: URL(fileURLWithPath: Repository.example("iris.jsonl"))))
        try FileManager.default.createDirectory(atPath: workspace.path("docs"), withIntermediateDirectories: true)
    }

    /// How one case went.
    struct Outcome: Sendable {
        let index: Int
        let line: FuzzCommandLine
        let code: Int32?
        let duration: Duration
        let finding: Finding?
    }

    struct Finding: Sendable, CustomStringConvertible {
        let index: Int
        let line: FuzzCommandLine
        let problem: String
        var description: String { "case \(index): crossfold \(line)\n\(problem)" }
    }

    @Test func randomCommandLinesEndWithADocumentedCode() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["CROSSFOLD_CLI_FUZZ_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
        let count = environment["CROSSFOLD_CLI_FUZZ_COUNT"].flatMap { Int($0) } ?? Self.defaultCount
        let only = environment["CROSSFOLD_CLI_FUZZ_CASE"].flatMap { Int($0) }
        let show = environment["CROSSFOLD_CLI_FUZZ_SHOW"].flatMap { Int32($0) }
        let cases = only.map { [$0] } ?? Array(0..<count)

        let refusing = try CLIUnusedPort()
        let cluster = try await LocalCluster.start()
        let job = try await cluster.submit([Repository.example("iris.jsonl")])
        let generator = CommandLineGenerator(refusing: refusing.endpoint, live: cluster.client[1], liveJob: job)
        let started = ContinuousClock.now
        print("command-line fuzz: seed \(seed), \(cases.count) cases (CROSSFOLD_CLI_FUZZ_SEED, CROSSFOLD_CLI_FUZZ_COUNT, CROSSFOLD_CLI_FUZZ_CASE)")

        var outcomes: [Outcome] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = cases.makeIterator()
            func addNext() {
                guard let index = next.next() else { return }
                var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
                let line = generator.make(&random)
                group.addTask {
                    let start = ContinuousClock.now
                    let (code, finding) = try await Self.run(line, index: index)
                    return Outcome(index: index, line: line, code: code, duration: ContinuousClock.now - start, finding: finding)
                }
            }
            for _ in 0..<Self.width { addNext() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                addNext()
            }
        }
        let elapsed = ContinuousClock.now - started
        var codes: [Int32: Int] = [:]
        for code in outcomes.compactMap(\.code) { codes[code, default: 0] += 1 }
        let slowest = outcomes.sorted { $0.duration > $1.duration }.prefix(3).map { "case \($0.index) \($0.duration)" }
        print("command-line fuzz: seed \(seed), \(cases.count) cases in \(elapsed), exit codes "
            + codes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            + "; slowest \(slowest.joined(separator: ", "))")
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) where show != nil && outcome.code == show {
            print("command-line fuzz: case \(outcome.index) exit \(outcome.code ?? -1): crossfold \(outcome.line)")
        }
        for finding in outcomes.compactMap(\.finding).sorted(by: { $0.index < $1.index }) {
            Issue.record("seed \(seed) (CROSSFOLD_CLI_FUZZ_SEED=\(seed) CROSSFOLD_CLI_FUZZ_CASE=\(finding.index) replays it), \(finding)")
        }
    }

    /// Runs one command line in a fresh workspace; its exit code, and a finding when it broke a rule.
    static func run(_ line: FuzzCommandLine, index: Int) async throws -> (Int32?, Finding?) {
        let workspace = try CLIWorkspace()
        try workspaceFiles(workspace)
        let child = try CLI.start(line.arguments, directory: workspace.url)
        var terminated = false
        if line.daemon {
            // SIGTERM before the daemon has set up its handling would end it by the signal and say
            // nothing about the daemon; on a loaded machine a start takes seconds (seen in CI:
            // "ended by signal 15" for a command line that exits with 64 within 50 ms here).
            _ = await child.waitForOutput(timeout: .seconds(30)) { _, _ in child.handles(SIGTERM) }
            _ = await child.waitForOutput(timeout: grace) { _, _ in false }
            if child.isRunning {
                child.terminate()
                terminated = true
            }
        }
        let result: CLIResult
        do {
            result = try await child.wait(timeout: line.daemon ? .seconds(20) : limit)
        } catch let error as CLIError {
            return (nil, Finding(index: index, line: line, problem: "did not end: \(error)"))
        }
        let tail = "\n--- stderr ---\n\(ProcessOutcome.tail(result.standardError, lines: 15))"
        if let signal = result.signal {
            return (result.exitCode, Finding(index: index, line: line, problem: "ended by signal \(signal)" + tail))
        }
        if ExitCodeTests.Documented(rawValue: result.exitCode) == nil {
            return (result.exitCode, Finding(index: index, line: line, problem: "exit \(result.exitCode) is not in the table" + tail))
        }
        // 1 is documented for `health` alone; elsewhere it is ArgumentParser's answer to an error
        // nothing mapped.
        if result.exitCode == 1, line.arguments.first != "health" {
            return (result.exitCode, Finding(index: index, line: line, problem: "exit 1 outside `health`" + tail))
        }
        if terminated, result.exitCode != 0 {
            return (result.exitCode, Finding(index: index, line: line, problem: "exit \(result.exitCode) after SIGTERM, not 0" + tail))
        }
        return (result.exitCode, nil)
    }
}
