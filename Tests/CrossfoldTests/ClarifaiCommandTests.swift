import Evaluation
import Foundation
import Testing
import TestSupport

/// Issue 4's "Done when" through the command line, against the fake Clarifai server on loopback:
/// `evaluate --remote clarifai`, `clarifai list` and `clarifai get`, the fallback when the
/// coordinator is unreachable, and the failures (bad key, failed evaluation, timeouts, refusals),
/// each checked for the PAT in every output.
@Suite struct ClarifaiCommandTests {
    /// A fake server with a PAT of its own, so finding it anywhere is a real leak.
    static func server(_ scenario: FakeClarifaiScenario) throws -> FakeClarifaiServer {
        try FakeClarifaiServer(pat: "cfpat\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())",
                               scenario: scenario)
    }

    /// The server's CLARIFAI_* settings (PAT included) and every log line at trace level.
    static func environment(_ server: FakeClarifaiServer, logFormat: String = "text") -> [String: String] {
        server.environment(includingPAT: true).merging(["CROSSFOLD_LOG_LEVEL": "trace", "CROSSFOLD_LOG_FORMAT": logFormat]) { $1 }
    }

    /// No run's standard output or error and no file in the workspace holds any of `secrets`, in
    /// full or its last 16 characters.
    static func expectNoSecret(
        _ secrets: [String], in runs: [CLIResult], workspace: CLIWorkspace, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for secret in secrets {
            for needle in [secret, String(secret.suffix(16))] {
                for run in runs {
                    #expect(!run.printed(needle), "the PAT leaked into the output of \(run)", sourceLocation: sourceLocation)
                }
                #expect(workspace.files(containing: needle).isEmpty, "the PAT leaked into a file", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func remoteEvaluationPrintsTheTableAndWritesClarifaisEvalMetrics() async throws {
        // A newer server: every reply object carries a field crossfold does not know.
        let server = try Self.server(FakeClarifaiScenario.success.withUnknownFields())
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "--remote", "clarifai", "--json", "r.json"], in: workspace,
                                      environment: Self.environment(server))
        try #require(run.exitCode == 0, "\(run)")
        let concepts = FakeClassifierResults.concepts
        #expect(run.standardOutput.hasPrefix("Concept"), "\(run)")
        #expect(tableRows(run.standardOutput, concepts: concepts).count == 4, "\(run)")
        #expect(run.standardOutput.contains("Macro ROC AUC"), "\(run)")

        // It posted to the configured model version and polled until evaluated, with the key.
        let requests = server.requests
        let base = "/v2/users/\(server.userID)/apps/\(server.appID)/evaluations"
        #expect(requests.first?.method == "POST" && requests.first?.path == base, "\(requests.map(\.path))")
        #expect(requests.filter { $0.method == "GET" }.count >= 2)
        #expect(requests.allSatisfy { $0.header("authorization") == "Key \(server.pat)" })
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)

        // The reply as Clarifai sent it: nothing dropped, unknown fields included.
        let text = try workspace.read("r.json")
        #expect(text.components(separatedBy: "crossfold_unknown_field").count > 100)
        #expect(try readJSON("r.json", in: workspace).at("eval_metrics.binary_metrics") != nil)
        #expect(try readJSON("r.json", in: workspace).at("status.crossfold_unknown_field") != nil)
    }

    @Test func clarifaiListAndGetReadEarlierEvaluations() async throws {
        let server = try Self.server(.immediate)
        server.addEvaluation(id: "eval-earlier-1")
        server.addEvaluation(id: "eval-earlier-2", status: FakeClarifaiScenario.evaluating)
        let workspace = try CLIWorkspace()
        let environment = Self.environment(server)

        let list = try await crossfold(["clarifai", "list"], in: workspace, environment: environment)
        try #require(list.exitCode == 0, "\(list)")
        let lines = list.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("EVALUATION") == true, "\(list)")
        #expect(lines.contains { $0.hasPrefix("eval-earlier-1 ") && $0.contains(" 21300 ") }, "\(list)")
        #expect(lines.contains { $0.hasPrefix("eval-earlier-2 ") && $0.contains(" 21301 ") }, "\(list)")

        let get = try await crossfold(["clarifai", "get", "eval-earlier-1", "--json", "g.json"], in: workspace,
                                      environment: environment)
        try #require(get.exitCode == 0, "\(get)")
        #expect(tableRows(get.standardOutput, concepts: FakeClassifierResults.concepts).count == 4, "\(get)")

        let missing = try await crossfold(["clarifai", "get", "eval-nobody-made"], in: workspace, environment: environment)
        #expect(missing.exitCode == 70, "\(missing)")
        #expect(missing.standardError.contains("Clarifai has no such resource"), "\(missing)")
        Self.expectNoSecret([server.pat], in: [list, get, missing], workspace: workspace)

        let parsed = try await parseAsClarifaiEvalMetrics(try workspace.read("g.json"))
        #expect(parsed.status == 21300)
        #expect(parsed.concepts.count == 4)
    }

    @Test func fallbackEvaluatesOnClarifaiWhenTheCoordinatorIsUnreachable() async throws {
        let server = try Self.server(.immediate)
        let unreachable = try CLIUnusedPort()
        let workspace = try CLIWorkspace()
        let run = try await crossfold(
            ["evaluate", Repository.example("iris.jsonl"), "--coordinator", unreachable.endpoint, "--reply-timeout", "1",
             "--fallback", "clarifai", "--json", "r.json"],
            in: workspace, environment: Self.environment(server))
        try #require(run.exitCode == 0, "\(run)")
        let notices = run.standardErrorLines.filter { $0.contains("falling back to Clarifai") }
        #expect(notices.count == 1, "\(run)")
        #expect(notices.first?.contains("no answer from the coordinator at \(unreachable.endpoint)") == true, "\(run)")
        #expect(tableRows(run.standardOutput, concepts: FakeClassifierResults.concepts).count == 4, "\(run)")
        #expect(server.requests.contains { $0.method == "POST" })
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)
        await #expect(try parseAsClarifaiEvalMetrics(try workspace.read("r.json")).status == 21300)
    }

    @Test func unreachableCoordinatorWithoutFallbackExits69() async throws {
        // Clarifai is configured, but without --fallback it must not be used.
        let server = try Self.server(.immediate)
        let unreachable = try CLIUnusedPort()
        let workspace = try CLIWorkspace()
        let run = try await crossfold(
            ["evaluate", Repository.example("iris.jsonl"), "--coordinator", unreachable.endpoint, "--reply-timeout", "1",
             "--json", "r.json"],
            in: workspace, environment: Self.environment(server))
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
        #expect(run.standardError.contains(
            "crossfold: error: no answer from the coordinator at \(unreachable.endpoint) after 4 attempts; "
                + "check that `crossfold coordinator` runs there"), "\(run)")
        #expect(server.requests.isEmpty)
        #expect(!workspace.exists("r.json"))
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)
    }

    @Test func noWorkerWithinTheWaitExits69OrFallsBackToClarifai() async throws {
        let server = try Self.server(.immediate)
        let workspace = try CLIWorkspace()
        let environment = Self.environment(server)
        // A coordinator on ephemeral ports, without workers.
        let coordinator = try CLI.start(
            ["coordinator", "--client-bind", "tcp://127.0.0.1:*", "--worker-bind", "tcp://127.0.0.1:*",
             "--data-bind", "tcp://127.0.0.1:*"],
            environment: environment, directory: workspace.url)
        let listening = await coordinator.waitForOutput(timeout: .seconds(60)) { output, _ in
            output.contains("coordinator listening")
        }
        try #require(listening, "coordinator did not start: \(coordinator.standardOutputSoFar)\(coordinator.standardErrorSoFar)")
        let endpoint = try #require(coordinator.standardOutputSoFar.split(separator: " ").first { $0.hasPrefix("client=") }?
            .dropFirst("client=".count)).description
        let arguments = ["evaluate", Repository.example("iris.jsonl"), "--coordinator", endpoint, "--worker-wait", "1",
                         "--json", "r.json"]

        let alone = try await crossfold(arguments, in: workspace, environment: environment)
        #expect(alone.exitCode == 69, "\(alone)")
        #expect(alone.standardOutput.isEmpty, "\(alone)")
        #expect(alone.standardError.contains("crossfold: error: no worker joined the coordinator at \(endpoint) within"), "\(alone)")
        #expect(server.requests.isEmpty)
        #expect(!workspace.exists("r.json"))

        let fallback = try await crossfold(arguments + ["--fallback", "clarifai"], in: workspace, environment: environment)
        #expect(fallback.exitCode == 0, "\(fallback)")
        let notices = fallback.standardErrorLines.filter { $0.contains("falling back to Clarifai") }
        #expect(notices.count == 1, "\(fallback)")
        #expect(notices.first?.contains("no worker joined the coordinator") == true, "\(fallback)")
        #expect(tableRows(fallback.standardOutput, concepts: FakeClassifierResults.concepts).count == 4, "\(fallback)")
        #expect(workspace.exists("r.json"))

        coordinator.terminate()
        let stopped = try await coordinator.wait(timeout: .seconds(60))
        #expect(stopped.exitCode == 0, "\(stopped)")
        Self.expectNoSecret([server.pat], in: [alone, fallback, stopped], workspace: workspace)
    }

    @Test(arguments: [["evaluate", "--remote", "clarifai", "--json", "r.json"], ["clarifai", "list"], ["clarifai", "get", "eval-1"]])
    func badKeyExits69SayingHowToFix(_ arguments: [String]) async throws {
        let server = try Self.server(.immediate)
        server.addEvaluation(id: "eval-1")
        let wrong = "wrongpat\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        let workspace = try CLIWorkspace()
        var environment = Self.environment(server, logFormat: "json")
        environment["CLARIFAI_PAT"] = wrong
        let fromEnvironment = try await crossfold(arguments, in: workspace, environment: environment)
        // The same through --pat-file.
        environment["CLARIFAI_PAT"] = nil
        let patFile = try workspace.write("pat.txt", wrong + "\n")
        let fromFile = try await crossfold(arguments + ["--pat-file", patFile], in: workspace, environment: environment)

        for run in [fromEnvironment, fromFile] {
            #expect(run.exitCode == 69, "\(run)")
            #expect(run.standardOutput.isEmpty, "\(run)")
            #expect(run.standardError.contains("crossfold: error: Clarifai rejected the key"), "\(run)")
        }
        #expect(fromEnvironment.standardError.contains("Set a valid personal access token in CLARIFAI_PAT"), "\(fromEnvironment)")
        #expect(fromFile.standardError.contains("Set a valid personal access token in the file given to --pat-file"), "\(fromFile)")
        // The server did see the wrong key (and echoed it back in its reply).
        #expect(server.requests.contains { $0.header("authorization") == "Key \(wrong)" })
        #expect(!workspace.exists("r.json"))
        // The key file is the user's; every other file and output must not hold either key.
        try FileManager.default.removeItem(atPath: patFile)
        Self.expectNoSecret([wrong, server.pat], in: [fromEnvironment, fromFile], workspace: workspace)
    }

    @Test func failedEvaluationExits70WithClarifaisDescription() async throws {
        let server = try Self.server(.evaluationFails())
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "--remote", "clarifai", "--json", "r.json"], in: workspace,
                                      environment: Self.environment(server))
        #expect(run.exitCode == 70, "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
        #expect(run.standardError.contains("failed with status 21317 Model evaluation failed."), "\(run)")
        #expect(run.standardError.contains("Need at least 10 inputs per concept; concept 'fish' has 4."), "\(run)")
        #expect(!workspace.exists("r.json"))
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)
    }

    struct FailurePath: Sendable, CustomTestStringConvertible {
        let name: String
        let scenario: FakeClarifaiScenario
        let arguments: [String]
        let exitCode: Int32
        let message: String
        var testDescription: String { name }
    }

    static let failurePaths: [FailurePath] = [
        FailurePath(name: "key without scopes", scenario: .missingScopes, arguments: [], exitCode: 69,
                    message: "Give the PAT the scopes evaluation needs"),
        FailurePath(name: "unknown model", scenario: .unknownModel, arguments: [], exitCode: 70,
                    message: "Clarifai has no such resource"),
        FailurePath(name: "HTML instead of JSON", scenario: .garbled, arguments: [], exitCode: 70,
                    message: "is not what the API returns"),
        FailurePath(name: "never finishes", scenario: .neverFinishes, arguments: ["--remote-timeout", "2"], exitCode: 70,
                    message: "had not finished after 2"),
        FailurePath(name: "throttled, then recovery", scenario: .failing([.throttled(), .throttled(httpStatus: 400)], then: [FakeClarifaiScenario.evaluated]), arguments: [], exitCode: 0,
                    message: "Clarifai 11005"),
        FailurePath(name: "start failed and not found", scenario: .failing([.serverError()]), arguments: [], exitCode: 69,
                    message: "crossfold did not post it again"),
        FailurePath(name: "not evaluated", scenario: FakeClarifaiScenario(statusWalk: [EvalStatus(code: EvalStatus.notEvaluated)]), arguments: [], exitCode: 70,
                    message: "the model version has not been evaluated"),
    ]

    @Test(arguments: failurePaths)
    func everyFailurePathExitsAsMappedWithoutThePAT(_ path: FailurePath) async throws {
        let server = try Self.server(path.scenario)
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "--remote", "clarifai", "--json", "r.json"] + path.arguments,
                                      in: workspace, environment: Self.environment(server, logFormat: "json"))
        #expect(run.exitCode == path.exitCode, "\(run)")
        #expect(run.standardError.contains(path.message), "\(run)")
        #expect(workspace.exists("r.json") == (path.exitCode == 0), "\(run)")
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)
    }

    /// A recorded GetEvaluation reply (test_set with input data, model version details, timestamps,
    /// "NaN" and numbers in strings) through `clarifai get` and `evaluate --remote clarifai`: the
    /// table prints and --json holds the reply byte for byte.
    @Test(arguments: [["clarifai", "get", RecordedGetEvaluation.evaluationID, "--json", "r.json"],
                      ["evaluate", "--remote", "clarifai", "--eval-id", RecordedGetEvaluation.evaluationID, "--json", "r.json"]])
    func recordedReplyIsPrintedAndWrittenExactlyAsReturned(_ arguments: [String]) async throws {
        let server = try Self.server(.recorded(RecordedGetEvaluation.body))
        if arguments[0] == "clarifai" { server.addEvaluation(id: RecordedGetEvaluation.evaluationID, inApp: true) }
        let workspace = try CLIWorkspace()
        let run = try await crossfold(arguments, in: workspace, environment: Self.environment(server))
        try #require(run.exitCode == 0, "\(run)")
        #expect(tableRows(run.standardOutput, concepts: ["fish", "bird"]).count == 2, "\(run)")
        #expect(try Data(contentsOf: workspace.url.appendingPathComponent("r.json")) == RecordedGetEvaluation.body)
        #expect(server.requests.allSatisfy { !$0.path.contains("/models/") }, "\(server.requests.map(\.path))")
        Self.expectNoSecret([server.pat], in: [run], workspace: workspace)
    }

    @Test func modelVersionEndpointsAreUsedOnlyWhenAsked() async throws {
        let server = try Self.server(.immediate)
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "--remote", "clarifai", "--evaluation-endpoints", "model-version"],
                                      in: workspace, environment: Self.environment(server))
        try #require(run.exitCode == 0, "\(run)")
        #expect(server.requests.allSatisfy { $0.path.contains("/models/\(server.modelID)/versions/\(server.modelVersionID)/evaluations") })
        var environment = Self.environment(server)
        environment["CLARIFAI_EVALUATION_ENDPOINTS"] = "legacy"
        let wrong = try await crossfold(["clarifai", "list"], in: workspace, environment: environment)
        #expect(wrong.exitCode != 0 && wrong.standardError.contains("expected evaluations or model-version"), "\(wrong)")
    }
}
