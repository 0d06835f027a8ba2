import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT, sent to the real process) while a command follows a job: exit 130 with a word
/// about the job; `evaluate` cancels it, `submit --wait` and `watch` leave it running.
@Suite struct InterruptTests {
    /// Starts `arguments` in the cluster's workspace, waits until it follows its job (its first
    /// progress line), sends SIGINT and returns how it ended.
    static func interrupt(_ arguments: [String], in cluster: LocalCluster) async throws -> CLIResult {
        let child = try CLI.start(arguments, directory: cluster.workspace.url)
        let following = await child.waitForOutput(timeout: .seconds(60)) { _, error in error.contains("progress") }
        try #require(following, "never followed its job: \(child.standardErrorSoFar)")
        child.send(SIGINT)
        return try await child.wait(timeout: .seconds(30))
    }

    /// The job id in a `... job JOB ...` message.
    static func job(in text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let index = words.firstIndex(of: "job"), index + 1 < words.count else { return nil }
        return String(words[index + 1])
    }

    @Test func evaluateOnACoordinatorCancelsItsJobAndExits130() async throws {
        let cluster = try await LocalCluster.start()
        let run = try await Self.interrupt(["evaluate", Repository.example("iris.jsonl")] + cluster.client, in: cluster)
        #expect(run.exitCode == 130 && run.signal == nil, "\(run)")
        #expect(run.standardError.contains("interrupted; cancelled job "), "\(run)")
        let job = try #require(Self.job(in: run.standardError.components(separatedBy: "interrupted;").last ?? ""))
        let status = try await cluster.run(["status", job] + cluster.client)
        #expect(status.standardOutput.hasPrefix("job \(job): cancelled"), "\(status)")
    }

    @Test(arguments: ["submit", "watch"])
    func followingCommandsLeaveTheJobRunningAndExit130(_ command: String) async throws {
        let cluster = try await LocalCluster.start()
        var arguments = ["submit", Repository.example("iris.jsonl"), "--wait", "--log-level", "info"]
        var job: String?
        if command == "watch" {
            job = try await cluster.submit([Repository.example("iris.jsonl")])
            arguments = ["watch", job ?? ""]
        }
        let run = try await Self.interrupt(arguments + cluster.client, in: cluster)
        let id = try #require(job ?? run.standardOutput.split(separator: "\n").first.map(String.init))
        #expect(run.exitCode == 130 && run.signal == nil, "\(run)")
        #expect(run.standardError.contains(
            "interrupted; job \(id) keeps running on the coordinator: follow it again with `crossfold watch \(id) "), "\(run)")
        let status = try await cluster.run(["status", id] + cluster.client)
        #expect(status.standardOutput.hasPrefix("job \(id): running"), "\(status)")
    }

    @Test func anEmbeddedEvaluationExits130() async throws {
        let cluster = try await LocalCluster.start()
        let synth = try await cluster.run(["dataset", "synth", "--rows", "50000", "--features", "256", "-o", "big.cfds"])
        try #require(synth.exitCode == 0, "\(synth)")
        let run = try await Self.interrupt(["evaluate", "big.cfds", "--model", "knn", "--folds", "2", "--local-workers", "1"],
                                           in: cluster)
        #expect(run.exitCode == 130 && run.signal == nil, "\(run)")
        #expect(run.standardError.hasSuffix("crossfold: interrupted\n"), "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
    }
}
