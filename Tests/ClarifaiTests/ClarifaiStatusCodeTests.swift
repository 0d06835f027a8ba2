import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport

/// Retries and messages driven by Clarifai's `status.code` as well as the HTTP status, over
/// loopback HTTP on a virtual clock.
@Suite struct ClarifaiStatusCodeTests {
    let logs = LogCapture()

    static let throttlingCases: [(http: Int, code: Int)] = [(429, 11005), (400, 11005), (200, 11003), (503, 11004), (403, 11006)]

    @Test(arguments: throttlingCases)
    func throttlingCodesRetryEvenAPostWhateverTheHTTPStatus(_ reply: (http: Int, code: Int)) async throws {
        let server = try FakeClarifaiServer(scenario: .failing([.throttled(httpStatus: reply.http, code: reply.code)]))
        let clock = VirtualClock()
        let metrics = try await remoteEvaluation(server, clock: clock, logger: logs.logger())
            .run(RemoteEvaluationRequest(evaluationID: "t1"), timeout: .seconds(600)).metrics
        #expect(metrics.status?.code == EvalStatus.evaluated)
        // Refused unprocessed, so posted again; one evaluation only.
        #expect(server.requests.map(\.method) == ["POST", "POST", "GET", "GET", "GET"])
        #expect(server.evaluationIDs == ["t1"])
        #expect(clock.sleeps.first == .seconds(1))
    }

    @Test func retryAfterInSecondsIsHonoured() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([.throttled(retryAfter: "7"), .throttled(retryAfter: "0")]))
        let clock = VirtualClock()
        _ = try await remoteEvaluation(server, clock: clock, logger: logs.logger())
            .run(RemoteEvaluationRequest(), timeout: .seconds(600))
        // 7 s as asked, then the 2 s backoff when Clarifai asks for less.
        #expect(Array(clock.sleeps.prefix(2)) == [.seconds(7), .seconds(2)])
    }

    @Test func retryAfterAsAnHTTPDateIsReadRelativeToNow() {
        let now = Date(timeIntervalSince1970: 784_111_747) // Sun, 06 Nov 1994 08:49:07 GMT
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
    }

    @Test func retryAfterBeyondTheCapEndsAtOnceSayingHowLongToWait() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([.throttled(code: 11003, retryAfter: "Fri, 01 Jan 2100 00:00:00 GMT")]))
        let clock = VirtualClock()
        let evaluation = try remoteEvaluation(server, clock: clock, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(600))
        }
        guard case .throttled(_, let status, let attempts) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(attempts == 1 && status.code == 11003)
        #expect(try #require(status.retryAfter) > .seconds(60))
        #expect(clock.sleeps.isEmpty)
        let message = try #require(error?.description)
        #expect(message.contains("Clarifai asked to wait") && message.contains("hourly request limit"))
        #expect(error?.category == .unavailable)
    }

    @Test(arguments: [FakeClarifaiFailure.serverError(afterServing: true), .lostReply(afterServing: true),
                      FakeClarifaiFailure(httpStatus: 200, code: 10020, afterServing: true)])
    func postThatMayHaveCreatedIsLookedUpNotRepeated(_ failure: FakeClarifaiFailure) async throws {
        let server = try FakeClarifaiServer(scenario: .failing([failure]))
        let metrics = try await remoteEvaluation(server, logger: logs.logger())
            .run(RemoteEvaluationRequest(evaluationID: "once"), timeout: .seconds(600)).metrics
        #expect(metrics.id == "once" && metrics.status?.code == EvalStatus.evaluated)
        #expect(server.requests.filter { $0.method == "POST" }.count == 1)
        #expect(server.requests[1].method == "GET" && server.requests[1].path.hasSuffix("/evaluations/once"))
        #expect(server.evaluationIDs == ["once"])
    }

    @Test func postThatFailedAndIsNotFoundSaysWhatToDo() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([.serverError(afterServing: false)]))
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(evaluationID: "maybe"), timeout: .seconds(600))
        }
        guard case .startUncertain(let id, let endpoint, let cause, let lookup) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(id == "maybe" && endpoint.hasPrefix("POST "))
        #expect(cause.contains("HTTP 500, Clarifai 10020") && lookup.contains("found nothing"))
        #expect(server.requests.map(\.method) == ["POST", "GET"])
        let message = try #require(error?.description)
        #expect(message.contains("crossfold clarifai get maybe") && message.contains("--eval-id maybe"))
        #expect(error?.category == .unavailable)
    }

    static let credentialCodes: [(code: Int, says: String)] = [
        (11001, "invalid (11001)"), (11002, "expired"), (11008, "app-specific API key"), (11009, "does not know the key"),
    ]

    @Test(arguments: credentialCodes)
    func badCredentialCodesSayWhichPATToFix(_ expected: (code: Int, says: String)) async throws {
        let server = try FakeClarifaiServer(scenario: .failing([FakeClarifaiFailure(httpStatus: 400, code: expected.code)]))
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .authenticationFailed(_, let status, "test") = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.code == expected.code)
        #expect(server.requests.count == 1)
        let message = try #require(error?.description)
        #expect(message.contains(expected.says) && message.contains("the file given to test"))
        #expect(ClarifaiError.authenticationFailed(endpoint: "x", status, patSource: "CLARIFAI_PAT").description
            .contains("Set a valid personal access token in CLARIFAI_PAT"))
    }

    @Test func modelPermissionDeniedSaysWhoMayUseTheModel() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([FakeClarifaiFailure(httpStatus: 403, code: 21201, description: "Model permission denied")]))
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .permissionDenied(_, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.code == 21201)
        let message = try #require(error?.description)
        #expect(message.contains("access to the model") && message.contains("CLARIFAI_MODEL_ID"))
        #expect(!message.contains("Models_Train"))
    }

    @Test func notEvaluatedAsAReplyCodeIsReportedWithoutWaiting() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([FakeClarifaiFailure(httpStatus: 400, code: 21302, description: "Model is not yet evaluated")]))
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.fetch(evaluationID: "e", scope: .app, fields: [])
        }
        guard case .notEvaluated = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(server.requests.count == 1)
        #expect(error?.description.contains("crossfold evaluate --remote clarifai") == true)
    }

    @Test(arguments: [21310, 21311, 21312, 21315, 21316, 21317])
    func evaluationFailuresGetTheDatasetAdviceOnlyWhereItApplies(code: Int) {
        let message = ClarifaiError.evaluationFailed(evaluationID: "e9", status: EvalStatus(code: code)).description
        #expect(message.contains("at least 2 concepts") == [21315, 21316, 21317].contains(code), "\(message)")
        if code == 21310 { #expect(message.contains("time limit") && message.contains("e9")) }
    }
}
