import Foundation
import Testing
import TestSupport

/// `evaluate --coordinator` reads endpoints the way the job commands do.
@Suite struct CoordinatorEndpointTests {
    @Test func coordinatorWithoutAPortUsesTheClientPort5555() async throws {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): nothing can answer there, so the run ends in exit 69,
        // and the message shows the endpoint it tried.
        let run = try await crossfold(
            ["evaluate", Repository.example("iris.jsonl"), "--coordinator", "tcp://192.0.2.1", "--reply-timeout", "1"],
            in: try CLIWorkspace())
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.standardError.contains("no answer from the coordinator at tcp://192.0.2.1:5555 after 4 attempts"), "\(run)")
        #expect(!run.standardError.contains("zmq_connect"), "\(run)")
    }
}
