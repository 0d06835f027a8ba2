import Foundation
import Testing
import TestSupport

/// `evaluate --coordinator` reads endpoints the way the job commands do.
@Suite struct CoordinatorEndpointTests {
    @Test func coordinatorWithoutAPortUsesTheClientPort5555() async throws {
        // Loopback only: nothing listens on 127.0.0.1:5555 in the test run, so the run ends in
        // exit 69, and the message shows the endpoint it tried.
        let run = try await crossfold(
            ["evaluate", Repository.example("iris.jsonl"), "--coordinator", "tcp://127.0.0.1", "--reply-timeout", "1"],
            in: try CLIWorkspace())
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.standardError.contains("no answer from the coordinator at tcp://127.0.0.1:5555 after 4 attempts"), "\(run)")
        #expect(!run.standardError.contains("zmq_connect"), "\(run)")
    }

    @Test func malformedEndpointIsAUsageError() async throws {
        for endpoint in ["tcp://127.0.0.1:99999", "tcp://:5555", "http://127.0.0.1:5555"] {
            let run = try await crossfold(
                ["evaluate", Repository.example("iris.jsonl"), "--coordinator", endpoint], in: try CLIWorkspace())
            #expect(run.exitCode == 64, "\(endpoint): \(run)")
            #expect(run.standardError.contains("use tcp://HOST[:PORT]"), "\(run)")
        }
    }

    @Test func unwritableOutputFailsBeforeAnyWork() async throws {
        let run = try await crossfold(
            ["evaluate", Repository.example("iris.jsonl"), "--json", "/nonexistent-directory/r.json"],
            in: try CLIWorkspace())
        #expect(run.exitCode == 73, "\(run)")
        #expect(run.standardError.contains("cannot write /nonexistent-directory/r.json"), "\(run)")
        #expect(run.standardOutput.isEmpty, "no table is printed for an evaluation that would be lost: \(run)")
    }
}
