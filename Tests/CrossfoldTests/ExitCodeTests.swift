import Foundation
import Testing
import TestSupport

/// Each command's failure paths end in the exit code README.md documents for them, with a message
/// that says what went wrong.
@Suite struct ExitCodeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let code: Int32
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    /// Failures that need no coordinator.
    static let offline: [Case] = [
        Case(arguments: ["worker", "--connect", "http://127.0.0.1:5556"], code: 64, message: "only tcp:// is accepted here"),
    ]

    @Test(arguments: offline)
    func offlineFailureExitsWithItsDocumentedCode(_ failure: Case) async throws {
        let run = try await crossfold(failure.arguments, in: try CLIWorkspace(), timeout: .seconds(60))
        #expect(run.exitCode == failure.code, "\(run)")
        #expect(run.standardError.contains(failure.message), "\(run)")
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
