import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport

/// The PAT never shows: every scenario runs with trace logging captured, then no log line, no
/// rendering of the error and no returned value may contain the token.
@Suite struct PATLeakTests {
    static let secret = "pat-SECRET-7d1f0c9a2b3e4f5061728394a5b6c7d8"
    static let wrongSecret = "pat-WRONG-SECRET-e4b2a9c7d6f5e4d3c2b1a0f9"

    enum Scenario: String, CaseIterable, Sendable {
        case success, groundTruthDataset, unknownFields, listAndGet, evaluationFailed, badKey, unknownModel,
             missingScopes, throttledThenRecovery, serverErrorsExhausted, neverFinishes, unreachable, cancelled
    }

    @Test(arguments: Scenario.allCases)
    func patAppearsInNoLogErrorOrResult(_ scenario: Scenario) async throws {
        let logs = LogCapture()
        let server = try FakeClarifaiServer(pat: Self.secret, scenario: fakeScenario(scenario))
        let clientSecret = scenario == .badKey ? Self.wrongSecret : Self.secret
        if scenario == .unreachable { try server.stopRefusingConnections() }
        var configuration = try configuration(for: server, pat: clientSecret, datasetID: "ds1")
        if scenario == .groundTruthDataset { configuration.datasetAppID = "other-app" }
        let client = ClarifaiClient(configuration: configuration, requestTimeout: .seconds(10), logger: logs.logger())
        let clock = VirtualClock()
        let evaluation = RemoteEvaluation(client: client, clock: clock, logger: logs.logger())

        var values: [String] = []
        var failure: ClarifaiError?
        do {
            switch scenario {
            case .listAndGet:
                server.addEvaluation(id: "old")
                values.append(try json(try await evaluation.list(scope: .modelVersion)))
                values.append(try json(try await evaluation.fetch(evaluationID: "old", scope: .modelVersion, fields: .all).metrics))
            case .cancelled:
                let task = Task { () async throws(ClarifaiError) -> FetchedEvaluation in
                    let realClock = RemoteEvaluation(client: client, clock: ContinuousClock(), logger: logs.logger())
                    return try await realClock.run(RemoteEvaluationRequest(), timeout: .seconds(600))
                }
                // Cancel while it waits between polls, after the first exchange was logged.
                try #require(try await eventually { logs.records.contains { $0.message == "Clarifai evaluation started" } })
                task.cancel()
                values.append(try json(try await task.value.metrics))
            default:
                let method = try RemoteEvaluationRequest.method(for: configuration)
                values.append(try json(try await evaluation.run(RemoteEvaluationRequest(method: method), timeout: .seconds(120)).metrics))
            }
        } catch let error as ClarifaiError {
            failure = error
        }

        // The scenario ran as intended, and the token really went over the wire.
        #expect((failure == nil) == [.success, .groundTruthDataset, .unknownFields, .listAndGet, .throttledThenRecovery].contains(scenario))
        if scenario != .unreachable {
            #expect(server.requests.contains { $0.header("Authorization") == "Key \(clientSecret)" })
        }
        #expect(logs.records.contains { $0.level == .trace } || scenario == .unreachable)

        var texts = logs.lines + values
        if let failure {
            var dumped = ""
            dump(failure, to: &dumped)
            texts += [failure.description, String(reflecting: failure), "\(failure)", dumped]
        }
        for secret in [Self.secret, Self.wrongSecret] {
            let leaks = texts.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "PAT leaked in \(scenario): \(leaks)")
        }
        if scenario == .badKey {
            // The fake echoes the rejected key, as some services do; the client scrubbed it.
            #expect(failure?.description.contains(PersonalAccessToken.redaction) == true)
        }
    }

    private func fakeScenario(_ scenario: Scenario) -> FakeClarifaiScenario {
        switch scenario {
        case .success, .groundTruthDataset, .listAndGet, .badKey, .unreachable: .success
        case .unknownFields: FakeClarifaiScenario.success.withUnknownFields()
        case .evaluationFailed: .evaluationFails()
        case .unknownModel: .unknownModel
        case .missingScopes: .missingScopes
        case .throttledThenRecovery: .failing([.throttled(), .throttled(httpStatus: 400)])
        case .serverErrorsExhausted: .serverErrorsThenRecovery(50)
        case .neverFinishes, .cancelled: .neverFinishes
        }
    }

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    @Test func configurationAndTokenNeverRenderTheSecret() throws {
        let token = try PersonalAccessToken("  \(Self.secret)\n", source: "test")
        let configuration = ClarifaiConfiguration(pat: token, userID: "u", appID: "a")
        var dumpedToken = "", dumpedConfiguration = ""
        dump(token, to: &dumpedToken)
        dump(configuration, to: &dumpedConfiguration)
        let renderings = [
            token.description, token.debugDescription, "\(token)", String(describing: token), String(reflecting: token),
            dumpedToken, "\(configuration)", String(reflecting: configuration), dumpedConfiguration,
            "\(Mirror(reflecting: token).children.map { "\($0.label ?? ""): \($0.value)" })",
        ]
        for rendering in renderings {
            #expect(!rendering.contains(Self.secret), "leaked: \(rendering)")
        }
        #expect(token.description == PersonalAccessToken.redaction)
        #expect(dumpedConfiguration.contains(PersonalAccessToken.redaction))
        #expect(token == (try PersonalAccessToken(Self.secret, source: "test")))
    }

    @Test func configurationErrorsNeverShowTheToken() throws {
        let logs = LogCapture()
        let directory = try temporaryDirectory()
        let config = directory.appendingPathComponent("clarifai.env")
        try "CLARIFAI_USER_ID=u\nCLARIFAI_PAT=\(Self.secret)\n".write(to: config, atomically: true, encoding: .utf8)
        let patFile = directory.appendingPathComponent("pat")
        try "bad token \(Self.secret)\n".write(to: patFile, atomically: true, encoding: .utf8)
        var errors: [ClarifaiError] = []
        for overrides in [ClarifaiOverrides(configFile: config.path), ClarifaiOverrides(patFile: patFile.path)] {
            do {
                _ = try ClarifaiConfiguration.resolve(environment: ["CLARIFAI_PAT": Self.secret], overrides: overrides,
                                                      logger: logs.logger())
            } catch {
                errors.append(error)
            }
        }
        do {
            _ = try ClarifaiConfiguration.resolve(environment: ["CLARIFAI_PAT": "two words \(Self.secret)"], logger: logs.logger())
        } catch {
            errors.append(error)
        }
        #expect(errors.count == 3)
        for text in errors.map(\.description) + errors.map({ String(reflecting: $0) }) + logs.lines {
            #expect(!text.contains(Self.secret), "leaked: \(text)")
        }
    }
}
