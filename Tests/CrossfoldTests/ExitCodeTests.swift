@testable import crossfold
import Foundation
import Testing
import TestSupport

/// Every command's failure paths end in the exit code README.md documents for them (ExitStatus),
/// with a message that says what went wrong. The paths that need a running job are in
/// JobCommandTests (75, 79, 70), WorkerWaitTests (69) and InterruptTests (130).
@Suite struct ExitCodeTests {
    /// crossfold's table (Swift Testing has an ExitStatus of its own).
    typealias Documented = crossfold.ExitStatus

    /// Stands for the endpoint of a port that refuses connections, filled in when the case runs.
    static let unreachable = "UNREACHABLE"

    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let status: Documented
        let message: String

        init(_ arguments: [String], _ status: Documented, _ message: String) {
            self.arguments = arguments
            self.status = status
            self.message = message
        }

        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let iris = Repository.example("iris.jsonl")
    static let quick = ["--reply-timeout", "1"]
    static let anyPorts = ["--client-bind", "tcp://127.0.0.1:*", "--worker-bind", "tcp://127.0.0.1:*", "--data-bind", "tcp://127.0.0.1:*"]

    /// Failures that need no running coordinator, at least one per command.
    static let offline: [Case] = [
        Case(["frobnicate"], .usage, "Unexpected argument 'frobnicate'"),
        Case(["evaluate"], .usage, "a DATASET file is required"),
        Case(["evaluate", "missing.csv"], .invalidDataset, "missing.csv: cannot open the file"),
        Case(["evaluate", iris, "--model", "forest"], .usage, "unknown model 'forest'"),
        Case(["evaluate", iris, "--json", "/proc/r.json"], .cannotWrite, "cannot write /proc/r.json (--json)"),
        Case(["evaluate", iris, "--coordinator", unreachable] + quick, .unavailable, "no answer from the coordinator"),
        Case(["evaluate", "--remote", "clarifai"], .usage, "CLARIFAI_PAT is not set"),
        Case(["dataset", "inspect", "missing.csv"], .invalidDataset, "missing.csv: cannot open the file"),
        Case(["dataset", "import", iris, "-o", "iris.csv"], .usage, "name the file iris.cfds"),
        Case(["dataset", "import", iris, "-o", "/proc/iris.cfds"], .cannotWrite, "cannot write /proc/iris.cfds (-o)"),
        Case(["dataset", "synth", "--rows", "5", "-o", "s.cfds"], .usage, "need at least 2 concepts"),
        Case(["dataset", "frobnicate"], .usage, "Unexpected argument 'frobnicate'"),
        Case(["models", "--verbose"], .usage, "Unknown option '--verbose'"),
        Case(["coordinator", "--client-bind", "127.0.0.1:28555"], .usage,
             "--client-bind 127.0.0.1:28555 is not an endpoint; use tcp://HOST:PORT"),
        Case(["coordinator", "--data-bind", "tcp://127.0.0.1:0"], .usage, "the port must be a number from 1 to 65535 (or * for any)"),
        Case(["coordinator", "--worker-bind", "tcp://10.255.255.254:*", "--client-bind", "tcp://127.0.0.1:*",
              "--data-bind", "tcp://127.0.0.1:*"], .unavailable,
             "cannot listen on tcp://10.255.255.254:* (--worker-bind): no interface of this host has that address"),
        Case(["coordinator", "--state-dir", "/proc/state"] + anyPorts, .cannotWrite, "cannot use the state dir"),
        Case(["coordinator", "--log-level", "loud"], .usage, "--log-level must be one of"),
        Case(["worker"], .usage, "--connect tcp://HOST[:5556] is required"),
        Case(["worker", "--connect", "http://127.0.0.1:5556"], .usage, "only tcp:// is accepted here"),
        Case(["worker", "--connect", "tcp://127.0.0.1:9", "--slots", "0"], .usage, "--slots and --threads must be between 1 and 1024"),
        Case(["worker", "--connect", "tcp://127.0.0.1:9", "--cache-dir", "/proc/cache"], .cannotWrite,
             "cannot create the cache directory /proc/cache"),
        Case(["submit"], .usage, "a DATASET file is required"),
        Case(["submit", iris], .usage, "--coordinator tcp://HOST:5555 is required"),
        Case(["submit", "missing.csv", "--coordinator", unreachable], .invalidDataset, "missing.csv: cannot open the file"),
        Case(["submit", iris, "--coordinator", unreachable] + quick, .unavailable, "no answer from the coordinator"),
        Case(["submit", iris, "--wait", "--json", "docs", "--coordinator", unreachable], .cannotWrite, "cannot write docs (--json)"),
        Case(["jobs"], .usage, "--coordinator tcp://HOST:5555 is required"),
        Case(["jobs", "--coordinator", unreachable] + quick, .unavailable, "no answer from the coordinator"),
        Case(["status"], .usage, "Missing expected argument '<job>'"),
        Case(["status", "j", "--coordinator", unreachable] + quick, .unavailable, "no answer from the coordinator"),
        Case(["watch", "j", "--json", "/proc/r.json", "--coordinator", unreachable], .cannotWrite, "cannot write /proc/r.json"),
        Case(["watch", "j", "--worker-wait", "-1", "--coordinator", unreachable], .usage, "--worker-wait must be 0 or more seconds"),
        Case(["cancel", "j"], .usage, "--coordinator tcp://HOST:5555 is required"),
        Case(["cancel", "j", "--coordinator", unreachable] + quick, .unavailable, "no answer from the coordinator"),
        Case(["results", "j", "--coordinator", "http://127.0.0.1:5555"], .usage, "is not a coordinator endpoint"),
        Case(["results", "j", "--json", "", "--coordinator", unreachable], .usage, "--json needs a file name"),
        Case(["clarifai", "list"], .usage, "CLARIFAI_PAT is not set"),
        Case(["clarifai", "get", "e", "--json", "/proc/r.json"], .cannotWrite, "cannot write /proc/r.json"),
        Case(["clarifai", "compare", "e1", "e2"], .usage, "CLARIFAI_PAT is not set"),
        Case(["health"], .usage, "give exactly one of --coordinator or --worker-file"),
        Case(["health", "--worker-file", "missing.json"], .unhealthy, "no readable worker health file at missing.json"),
        Case(["health", "--coordinator", unreachable], .unhealthy, "does not answer"),
        Case(["keys", "generate", "k", "--workers", "0"], .usage, "--workers and --clients must be between 1 and 1000"),
        Case(["keys", "generate", "/proc/keys"], .cannotWrite, "/proc/keys: cannot create the directory"),
        Case(["cache", "verify", "--cache-dir", "missing"], .usage, "missing is not a directory"),
        Case(["evaluate", iris, "--scratch-dir", "/proc/scratch"], .cannotWrite,
             "converting it to a canonical file in /proc/scratch"),
    ]

    @Test(arguments: offline)
    func failureExitsWithItsDocumentedCode(_ failure: Case) async throws {
        let refusing = try CLIUnusedPort()
        let workspace = try CLIWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.path("docs"), withIntermediateDirectories: true)
        let arguments = failure.arguments.map { $0 == Self.unreachable ? refusing.endpoint : $0 }
        let run = try await crossfold(arguments, in: workspace, timeout: .seconds(60))
        #expect(run.signal == nil, "\(run)")
        #expect(Documented(rawValue: run.exitCode) == failure.status, "\(run)")
        #expect(run.standardError.contains(failure.message), "\(run)")
        if failure.arguments.first == "coordinator" {
            // Refused before the warnings of a coordinator that runs (no --state-dir, no --keys).
            #expect(run.standardOutput.isEmpty, "\(run)")
        }
    }

    @Test func everyCommandHasAFailurePathHere() {
        for command in HelpTests.commands {
            #expect(Self.offline.contains { $0.arguments.starts(with: command) }, "no failure path of \(command)")
        }
    }

    @Test func coordinatorOnAPortInUseExits69SayingSo() async throws {
        let taken = try CLIUnusedPort()
        let run = try await crossfold(
            ["coordinator", "--client-bind", taken.endpoint, "--worker-bind", "tcp://127.0.0.1:*", "--data-bind", "tcp://127.0.0.1:*"],
            in: try CLIWorkspace(), timeout: .seconds(60))
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.standardError.contains(
            "cannot listen on \(taken.endpoint) (--client-bind): the port is in use (another coordinator?)"), "\(run)")
        #expect(!run.standardError.contains("zmq_bind"), "\(run)")
        #expect(!run.printed("CURVE is off"), "\(run)")
    }

    @Test func unknownJobIsNotFound66ForEveryJobCommand() async throws {
        let cluster = try await LocalCluster.start()
        for command in ["status", "watch", "cancel", "results"] {
            let run = try await cluster.run([command, "0123456789abcdef"] + cluster.client)
            #expect(run.exitCode == 66, "\(run)")
            #expect(run.standardError.contains("no job 0123456789abcdef on this coordinator"), "\(run)")
        }
    }
}
