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
        Case(arguments: ["coordinator", "--client-bind", "127.0.0.1:28555"], code: 64,
             message: "--client-bind 127.0.0.1:28555 is not an endpoint; use tcp://HOST:PORT"),
        Case(arguments: ["coordinator", "--data-bind", "tcp://127.0.0.1:0"], code: 64,
             message: "the port must be a number from 1 to 65535 (or * for any)"),
        Case(arguments: ["coordinator", "--worker-bind", "tcp://10.255.255.254:*", "--client-bind", "tcp://127.0.0.1:*",
                         "--data-bind", "tcp://127.0.0.1:*"], code: 69,
             message: "cannot listen on tcp://10.255.255.254:* (--worker-bind): no interface of this host has that address"),
    ]

    @Test(arguments: offline)
    func offlineFailureExitsWithItsDocumentedCode(_ failure: Case) async throws {
        let run = try await crossfold(failure.arguments, in: try CLIWorkspace(), timeout: .seconds(60))
        #expect(run.exitCode == failure.code, "\(run)")
        #expect(run.standardError.contains(failure.message), "\(run)")
        if failure.arguments.first == "coordinator" {
            // Refused before the warnings of a coordinator that runs (no --state-dir, no --keys).
            #expect(run.standardOutput.isEmpty, "\(run)")
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
