import Foundation
import Testing
import TestSupport

/// A `crossfold coordinator` on three free loopback ports and, when asked, `crossfold worker`s, as
/// real processes working in one workspace; they are killed when the value goes away.
final class LocalCluster {
    let workspace: CLIWorkspace
    let port: Int
    let coordinator: CLIProcess

    private init(workspace: CLIWorkspace, port: Int, coordinator: CLIProcess) {
        self.workspace = workspace
        self.port = port
        self.coordinator = coordinator
    }

    /// Starts a coordinator (in-memory job store) and waits until it listens.
    ///
    /// Free ports are picked before the coordinator binds them, so a test beside it can take one
    /// in between: a coordinator that exits saying a port is in use is started again on other
    /// ports (up to five times), and one that exits for another reason fails at once instead of
    /// after the 30 s wait.
    static func start(in workspace: CLIWorkspace? = nil) async throws -> LocalCluster {
        let workspace = try workspace ?? CLIWorkspace()
        var attempt = 1
        while true {
            let port = try CoordinatorRestartLab.freePortTriple()
            let coordinator = try CLI.start([
                "coordinator", "--client-bind", "tcp://127.0.0.1:\(port)", "--worker-bind", "tcp://127.0.0.1:\(port + 1)",
                "--data-bind", "tcp://127.0.0.1:\(port + 2)", "--log-format", "json",
            ], directory: workspace.url)
            do {
                try await coordinator.waitUntilListening()
                return LocalCluster(workspace: workspace, port: port, coordinator: coordinator)
            } catch CoordinatorStartError.exited(let standardError) where standardError.contains("port is in use") && attempt < 5 {
                attempt += 1
            }
        }
    }

    /// `--coordinator tcp://127.0.0.1:PORT`, for the client commands.
    var client: [String] { ["--coordinator", "tcp://127.0.0.1:\(port)"] }

    /// Starts a worker with `slots` slots; it registers within a second or two.
    func startWorker(name: String, slots: Int = 1) throws -> CLIProcess {
        try CLI.start([
            "worker", "--connect", "tcp://127.0.0.1:\(port + 1)", "--slots", "\(slots)", "--threads", "1",
            "--cache-dir", workspace.path("cache-\(name)"), "--name", name, "--log-format", "json",
        ], directory: workspace.url)
    }

    /// Runs `crossfold arguments...` in the workspace.
    func run(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> CLIResult {
        try await CLI.run(arguments, directory: workspace.url, timeout: timeout)
    }

    /// Submits `arguments` (a dataset and evaluate options) and returns the job id.
    func submit(_ arguments: [String]) async throws -> String {
        let run = try await self.run(["submit"] + arguments + client)
        try #require(run.exitCode == 0, "\(run)")
        return run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `status JOB` until its first line contains `text`.
    func waitForStatus(_ job: String, containing text: String, within limit: Duration = .seconds(120)) async throws {
        let end = ContinuousClock.now + limit
        var last: CLIResult?
        while ContinuousClock.now < end {
            let run = try await self.run(["status", job] + client)
            if run.standardOutput.split(separator: "\n").first?.contains(text) == true { return }
            last = run
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("job \(job) never showed \(text): \(last.map(String.init(describing:)) ?? "")")
    }
}

/// A coordinator that ended before it listened, with what it said.
enum CoordinatorStartError: Error, CustomStringConvertible {
    case exited(standardError: String)

    var description: String {
        switch self {
        case .exited(let standardError): "the coordinator exited before it listened: \(standardError)"
        }
    }
}

extension CLIProcess {
    /// Waits until a `crossfold coordinator --log-format json` says it is listening. Throws
    /// `CoordinatorStartError.exited` as soon as it exits instead (a port taken, say), and
    /// `CLIError.timedOut` after 30 s, stopping it.
    func waitUntilListening() async throws {
        let said = "\"message\":\"coordinator listening\""
        _ = await waitForOutput(timeout: .seconds(30)) { output, _ in output.contains(said) }
        if standardOutputSoFar.contains(said) { return }
        guard !isRunning else {
            terminate()
            throw CLIError.timedOut(arguments: arguments, after: .seconds(30), standardOutput: standardOutputSoFar,
                                    standardError: standardErrorSoFar)
        }
        throw CoordinatorStartError.exited(standardError: standardErrorSoFar)
    }
}
