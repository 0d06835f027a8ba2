import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport

/// Polling, retries, timeouts and failures of a whole remote evaluation, over loopback HTTP on a
/// virtual clock.
@Suite struct RemoteEvaluationTests {
    let logs = LogCapture()

    @Test func walksQueuedEvaluatingEvaluatedThenFetchesEveryHeavyPart() async throws {
        let server = try FakeClarifaiServer()
        let clock = VirtualClock()
        let evaluation = try remoteEvaluation(server, clock: clock, logger: logs.logger())
        let metrics = try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(600)).metrics

        #expect(server.requests.map(\.method) == ["POST", "GET", "GET", "GET"])
        #expect(server.requests[0].path == "/v2/users/fake-user/apps/fake-app/evaluations")
        let gets = server.requests.filter { $0.method == "GET" }
        #expect(gets.allSatisfy { $0.path == "/v2/users/fake-user/apps/fake-app/evaluations/\(metrics.id ?? "-")" })
        // crossfold sends an id of its own, so a lost reply can be looked up.
        #expect(metrics.id?.count == 32 && server.evaluationIDs == [metrics.id])
        #expect(gets[0].query.isEmpty && gets[1].query.isEmpty)
        #expect(Set(gets[2].query.keys) == ["fields.binary_metrics", "fields.confusion_matrix", "fields.cooccurrence_matrix",
                                             "fields.label_counts", "fields.metrics_by_class", "fields.test_set"])
        #expect(clock.sleeps == [.seconds(1), .milliseconds(1500)])
        #expect(metrics.status?.code == EvalStatus.evaluated)
        #expect(metrics == withoutEnvelope(metrics, from: FakeClassifierResults.standard))
        let changes = logs.records.filter { $0.level == .info }.compactMap { $0.metadata["status_code"]?.description }
        #expect(changes == ["21303", "21301", "21300", "21300"])
    }

    @Test func postEvaluationsIsPolledThroughGetEvaluation() async throws {
        let server = try FakeClarifaiServer()
        let evaluation = try remoteEvaluation(server, datasetID: "gt", logger: logs.logger())
        let metrics = try await evaluation.run(RemoteEvaluationRequest(method: .evaluations, evaluationID: "mine"),
                                               timeout: .seconds(60)).metrics
        #expect(metrics.id == "mine")
        #expect(server.requests.map(\.path) == [
            "/v2/users/fake-user/apps/fake-app/evaluations", "/v2/users/fake-user/apps/fake-app/evaluations/mine",
            "/v2/users/fake-user/apps/fake-app/evaluations/mine", "/v2/users/fake-user/apps/fake-app/evaluations/mine",
        ])
        #expect(metrics.binaryMetrics?.count == 4)
    }

    @Test func pollingBacksOffByHalfAgainUpToTenSeconds() {
        let delays = (0..<9).map { Backoff.polling.delay($0) }
        #expect(delays == [.seconds(1), .milliseconds(1500), .milliseconds(2250), .microseconds(3_375_000),
                           .microseconds(5_062_500), .microseconds(7_593_750), .seconds(10), .seconds(10), .seconds(10)])
        #expect((0..<6).map { Backoff.retrying.delay($0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test func failedEvaluationReportsClarifaisDescriptionAndDetails() async throws {
        let server = try FakeClarifaiServer(scenario: .evaluationFails())
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(evaluationID: "bad"), timeout: .seconds(600))
        }
        guard case .evaluationFailed(let id, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(id == "bad")
        #expect(status.code == 21317)
        let message = try #require(error?.description)
        #expect(message.contains("21317 Model evaluation failed."))
        #expect(message.contains("Need at least 10 inputs per concept; concept 'fish' has 4."))
        #expect(error?.category == .evaluation)
        #expect(server.requests.count == 3)
    }

    @Test(arguments: [21310, 21311, 21312, 21313, 21314, 21315, 21316, 21318, 21319])
    func everyOtherEvaluationCodeIsAFailure(code: Int) async throws {
        let server = try FakeClarifaiServer(scenario: .evaluationFails(code: code, description: "code \(code)", details: "why"))
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(600))
        }
        guard case .evaluationFailed(_, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status == EvalStatus(code: code, description: "code \(code)", details: "why"))
    }

    @Test func notEvaluatedStopsAtOnceAndSaysHowToStartAnEvaluation() async throws {
        let walk = [FakeClarifaiScenario.queued, EvalStatus(code: EvalStatus.notEvaluated, description: "Model is not yet evaluated.")]
        let server = try FakeClarifaiServer(scenario: FakeClarifaiScenario(statusWalk: walk))
        let clock = VirtualClock()
        let evaluation = try remoteEvaluation(server, clock: clock, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(1800))
        }
        guard case .notEvaluated(_, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.code == 21302)
        // One poll, not the 1,800 s timeout.
        #expect(clock.sleeps == [.seconds(1)])
        let message = try #require(error?.description)
        #expect(message.contains("crossfold evaluate --remote clarifai") && message.contains("CLARIFAI_DATASET_ID"))
        #expect(!message.contains("at least 2 concepts"))
        #expect(error?.category == .evaluation)
    }

    @Test func timesOutWhenTheEvaluationNeverFinishes() async throws {
        let server = try FakeClarifaiServer(scenario: .neverFinishes)
        let clock = VirtualClock()
        let evaluation = try remoteEvaluation(server, clock: clock, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(evaluationID: "slow"), timeout: .seconds(60))
        }
        guard case .timedOut(let id, let waited, let last) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(id == "slow")
        #expect(waited == .seconds(60))
        #expect(last?.code == EvalStatus.evaluating)
        // 1 + 1.5 + 2.25 + 3.375 + 5.0625 + 7.59375 + 10 + 10 + 10 = 50.78125, then the 9.21875 left.
        #expect(clock.sleeps.count == 10)
        #expect(clock.sleeps.last == .microseconds(9_218_750))
        #expect(clock.sleeps.reduce(.zero, +) == .seconds(60))
        #expect(server.requests.count == 11)
        let message = try #require(error?.description)
        #expect(message.contains("60 s") && message.contains("--remote-timeout") && message.contains("crossfold clarifai get slow"))
        #expect(logs.records.contains { $0.level == .debug && $0.message == "Clarifai evaluation still waiting" })
    }

    @Test func serverErrorsOnReadsAreRetriedThenTheEvaluationCompletes() async throws {
        let server = try FakeClarifaiServer(scenario: .serverErrorsThenRecovery(2))
        server.addEvaluation(id: "old", inApp: true)
        let clock = VirtualClock()
        let metrics = try await remoteEvaluation(server, clock: clock, logger: logs.logger())
            .wait(forEvaluation: "old", scope: .app, timeout: .seconds(600)).metrics
        #expect(metrics.status?.code == EvalStatus.evaluated)
        #expect(server.requests.map(\.method) == ["GET", "GET", "GET", "GET"])
        #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(2)])
        let retries = logs.records.filter { $0.level == .warning }
        #expect(retries.map { $0.metadata["attempt"]?.description } == ["1", "2"])
        #expect(retries.allSatisfy { $0.metadata["error"]?.description.contains("HTTP 500, Clarifai 10020") == true })
    }

    @Test func retriesAreBounded() async throws {
        let server = try FakeClarifaiServer(scenario: .serverErrorsThenRecovery(100))
        let clock = VirtualClock()
        let evaluation = try remoteEvaluation(server, clock: clock, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.fetch(evaluationID: "e1", scope: .app, fields: .all)
        }
        guard case .serverFailure(let endpoint, let status, let attempts) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(attempts == 4)
        #expect(endpoint == "GET /v2/users/fake-user/apps/fake-app/evaluations/e1")
        #expect(status.httpStatus == 500 && status.code == 10020)
        #expect(server.requests.count == 4)
        #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4)])
        #expect(error?.description.contains("after 4 attempts") == true)
        #expect(error?.category == .unavailable)
    }

    @Test func unreachableServerIsRetriedBoundedAndSaysWhatToCheck() async throws {
        let server = try FakeClarifaiServer()
        try server.stopRefusingConnections()
        let evaluation = try remoteEvaluation(server, logger: logs.logger(), policy: RemotePolicy(maxAttempts: 3))
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .unreachable(_, let reason, let attempts) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(attempts == 3)
        #expect(reason.contains("cannot connect to host"))
        #expect(error?.description.contains("CLARIFAI_API_BASE") == true)
        #expect(error?.category == .unavailable)
    }

    @Test func badKeyIsNotRetriedAndSaysHowToFixIt() async throws {
        let server = try FakeClarifaiServer()
        let evaluation = try remoteEvaluation(server, pat: "wrong-key-value", logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .authenticationFailed(_, let status, let source) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.httpStatus == 401 && status.code == 11008)
        #expect(source == "test")
        #expect(server.requests.count == 1)
        let message = try #require(error?.description)
        #expect(message.contains("CLARIFAI_PAT") && message.contains("--pat-file"))
        #expect(!message.contains("wrong-key-value"))
        #expect(error?.category == .unavailable)
    }

    @Test func missingScopesAreNotRetriedAndNameTheScopes() async throws {
        let server = try FakeClarifaiServer(scenario: .missingScopes)
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .permissionDenied(_, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.httpStatus == 403 && status.code == 11007)
        #expect(server.requests.count == 1)
        #expect(error?.description.contains("Models_Train") == true)
        #expect(error?.description.contains("Missing scopes: Models_Train, Metrics_Add") == true)
    }

    @Test func unknownModelIsNotRetriedAndNamesTheSettings() async throws {
        let server = try FakeClarifaiServer(scenario: .unknownModel)
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(60))
        }
        guard case .notFound(_, let status) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.httpStatus == 404 && status.code == 21200 && status.statusDescription == "Model does not exist")
        #expect(status.requestID?.isEmpty == false)
        #expect(server.requests.count == 1)
        let message = try #require(error?.description)
        #expect(message.contains("CLARIFAI_MODEL_ID") && message.contains("--model-version-id"))
        #expect(error?.category == .rejected)
    }

    @Test func unknownFieldsInEveryReplyStillDecode() async throws {
        let server = try FakeClarifaiServer(scenario: FakeClarifaiScenario.success.withUnknownFields())
        let metrics = try await remoteEvaluation(server, logger: logs.logger()).run(RemoteEvaluationRequest(), timeout: .seconds(60)).metrics
        #expect(metrics == withoutEnvelope(metrics, from: FakeClassifierResults.standard))
    }

    @Test func cancellationEndsTheWaitPromptly() async throws {
        let server = try FakeClarifaiServer(scenario: .neverFinishes)
        let client = ClarifaiClient(configuration: try configuration(for: server), logger: logs.logger())
        let evaluation = RemoteEvaluation(client: client, clock: ContinuousClock(), logger: logs.logger())
        let task = Task { () async throws(ClarifaiError) -> FetchedEvaluation in
            try await evaluation.run(RemoteEvaluationRequest(), timeout: .seconds(600))
        }
        try #require(try await eventually { logs.records.contains { $0.message == "Clarifai evaluation started" } })
        let started = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // Promptly means long before the 600 s timeout. A request already in flight is allowed to
        // finish (up to its 10 s request timeout), and a loaded CI machine is slow: hence 60 s.
        #expect(ContinuousClock.now - started < .seconds(60))
        guard case .failure(let error) = result else { Issue.record("got \(result)"); return }
        #expect(error as? ClarifaiError == .cancelled)
    }

    @Test func waitAndListAndFetchReadEarlierEvaluations() async throws {
        let server = try FakeClarifaiServer()
        server.addEvaluation(id: "old", status: FakeClarifaiScenario.evaluated)
        let evaluation = try remoteEvaluation(server, logger: logs.logger())
        let listed = try await evaluation.list(scope: .modelVersion)
        let waited = try await evaluation.wait(forEvaluation: "old", scope: .modelVersion, timeout: .seconds(5))
        let fetched = try await evaluation.fetch(evaluationID: "old", scope: .app, fields: [.binaryMetrics])
        #expect(listed.map(\.id) == ["old"])
        #expect(waited.metrics.testSet?.count == 100)
        #expect(fetched.metrics.binaryMetrics?.count == 4 && fetched.metrics.testSet == nil)
    }

    /// `expected` with the envelope fields (id, owner, model, status, eval_info) of `actual`: what
    /// the server adds around the classifier results.
    private func withoutEnvelope(_ actual: EvalMetrics, from expected: EvalMetrics) -> EvalMetrics {
        var merged = expected
        merged.id = actual.id
        merged.userID = actual.userID
        merged.appID = actual.appID
        merged.model = actual.model
        merged.status = actual.status
        merged.evalInfo = actual.evalInfo
        merged.groundTruthDataset = actual.groundTruthDataset
        return merged
    }
}

/// A reply lost after the request arrived: reads are retried, a Post is not repeated.
@Suite struct LostReplyTests {
    let logs = LogCapture()

    @Test func lostRepliesToReadsAreRetried() async throws {
        var scenario = FakeClarifaiScenario.success
        scenario.droppedReplies = 2
        let server = try FakeClarifaiServer(scenario: scenario)
        server.addEvaluation(id: "old")
        let listed = try await remoteEvaluation(server, logger: logs.logger()).list(scope: .modelVersion)
        #expect(listed.map(\.id) == ["old"])
        #expect(server.requests.count == 3)
    }

    @Test func lostReplyToAPostIsNotRepeatedButTheEvaluationIsLookedUp() async throws {
        let server = try FakeClarifaiServer(scenario: .failing([.lostReply(afterServing: true)]))
        let metrics = try await remoteEvaluation(server, logger: logs.logger())
            .run(RemoteEvaluationRequest(evaluationID: "lost"), timeout: .seconds(60)).metrics
        #expect(metrics.id == "lost" && metrics.status?.code == EvalStatus.evaluated)
        #expect(server.requests.filter { $0.method == "POST" }.count == 1)
        #expect(server.evaluationIDs == ["lost"])
        #expect(logs.records.contains { $0.message.contains("looking it up instead of posting again") })
    }
}
