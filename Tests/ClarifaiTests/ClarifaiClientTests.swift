import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport

/// Each RPC over real HTTP against the fake server: method, path, header, body, decoding.
@Suite struct ClarifaiClientTests {
    let logs = LogCapture()

    func client(_ server: FakeClarifaiServer, datasetID: String? = nil, edit: (inout ClarifaiConfiguration) -> Void = { _ in }) throws -> ClarifaiClient {
        var configuration = try configuration(for: server, datasetID: datasetID)
        edit(&configuration)
        return ClarifaiClient(configuration: configuration, logger: logs.logger())
    }

    @Test func postModelVersionEvaluationsSendsPathKeyAndTheModelWithoutADataset() async throws {
        let server = try FakeClarifaiServer()
        let created = try await client(server).postModelVersionEvaluations(RemoteEvaluationRequest())
        let request = try #require(server.requests.last)
        #expect(request.method == "POST")
        #expect(request.path == "/v2/users/fake-user/apps/fake-app/models/fake-model/versions/fake-version/evaluations")
        #expect(request.header("Authorization") == "Key \(server.pat)")
        #expect(request.header("Content-Type") == "application/json")
        // Never `{"eval_metrics":[{}]}`: the item names the model version.
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"eval_metrics":[{"model":{"app_id":"fake-app","id":"fake-model","model_version":{"id":"fake-version"},"user_id":"fake-user"}}]}"#)
        #expect(created.count == 1)
        #expect(created[0].status?.code == EvalStatus.queued)
        #expect(created[0].id?.count == 32)
    }

    @Test func postModelVersionEvaluationsSendsDatasetKfoldAndID() async throws {
        let server = try FakeClarifaiServer()
        let request = RemoteEvaluationRequest(evaluationID: "ev1", useKfold: false)
        let created = try await client(server, datasetID: "ds1").postModelVersionEvaluations(request)
        let body = String(decoding: try #require(server.requests.last).body, as: UTF8.self)
        #expect(body == #"{"eval_metrics":[{"eval_info":{"params":{"dataset_id":"ds1","use_kfold":false}},"id":"ev1","model":{"app_id":"fake-app","id":"fake-model","model_version":{"id":"fake-version"},"user_id":"fake-user"}}]}"#)
        #expect(created[0].id == "ev1")
        #expect(created[0].evalInfo?.params?["use_kfold"] == .bool(false))
        #expect(created[0].evalInfo?.params?["dataset_id"] == .string("ds1"))
    }

    @Test func postEvaluationsSendsModelAndGroundTruthDatasetFromAnotherApp() async throws {
        let server = try FakeClarifaiServer()
        let client = try client(server, datasetID: "ds1") {
            $0.datasetAppID = "other-app"
            $0.datasetVersionID = "dv1"
        }
        let request = RemoteEvaluationRequest(method: .evaluations, evaluationID: "ev2")
        let created = try await client.postEvaluations(request)
        let sent = try #require(server.requests.last)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v2/users/fake-user/apps/fake-app/evaluations")
        #expect(String(decoding: sent.body, as: UTF8.self) == #"{"eval_metrics":[{"ground_truth_dataset":{"app_id":"other-app","id":"ds1","user_id":"fake-user","version":{"id":"dv1"}},"id":"ev2","model":{"app_id":"fake-app","id":"fake-model","model_version":{"id":"fake-version"},"user_id":"fake-user"}}]}"#)
        #expect(created[0].groundTruthDataset?.appID == "other-app")
        #expect(created[0].evalInfo?.params?["dataset_version_id"] == .string("dv1"))
    }

    @Test func postEvaluationsWithoutADatasetSendsTheModelOnly() async throws {
        let server = try FakeClarifaiServer()
        let created = try await client(server).postEvaluations(RemoteEvaluationRequest(evaluationID: "ev3", useKfold: true))
        let sent = try #require(server.requests.last)
        #expect(sent.path == "/v2/users/fake-user/apps/fake-app/evaluations")
        #expect(String(decoding: sent.body, as: UTF8.self) == #"{"eval_metrics":[{"eval_info":{"params":{"use_kfold":true}},"id":"ev3","model":{"app_id":"fake-app","id":"fake-model","model_version":{"id":"fake-version"},"user_id":"fake-user"}}]}"#)
        #expect(created[0].id == "ev3")
    }

    @Test func postEvaluationsNeedsTheDatasetIDWhenItsAppIsSetBeforeAnyRequest() async throws {
        let server = try FakeClarifaiServer()
        let client = try client(server) { $0.datasetAppID = "other-app" }
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await client.postEvaluations(RemoteEvaluationRequest())
        }
        #expect(error == .missingSetting(.datasetID))
        #expect(error?.description.contains("CLARIFAI_DATASET_ID") == true)
        #expect(error?.description.contains("--dataset-id") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func getModelVersionEvaluationAsksForHeavyFieldsInTheQuery() async throws {
        let server = try FakeClarifaiServer(scenario: .immediate)
        server.addEvaluation(id: "done1")
        let metrics = try await client(server).getModelVersionEvaluation(id: "done1", fields: .all)
        let request = try #require(server.requests.last)
        #expect(request.method == "GET")
        #expect(request.path == "/v2/users/fake-user/apps/fake-app/models/fake-model/versions/fake-version/evaluations/done1")
        #expect(request.header("Authorization") == "Key \(server.pat)")
        #expect(request.query == [
            "fields.binary_metrics": "true", "fields.confusion_matrix": "true", "fields.cooccurrence_matrix": "true",
            "fields.label_counts": "true", "fields.metrics_by_class": "true", "fields.test_set": "true",
        ])
        #expect(metrics.binaryMetrics?.count == FakeClassifierResults.concepts.count)
        #expect(metrics.confusionMatrix != nil && metrics.cooccurrenceMatrix != nil && metrics.labelCounts != nil)
        #expect(metrics.testSet?.count == 100)
    }

    @Test func getEvaluationWithoutFieldsReturnsTheSummaryOnly() async throws {
        let server = try FakeClarifaiServer()
        server.addEvaluation(id: "app-eval", inApp: true)
        let metrics = try await client(server).getEvaluation(id: "app-eval")
        let request = try #require(server.requests.last)
        #expect(request.path == "/v2/users/fake-user/apps/fake-app/evaluations/app-eval")
        #expect(request.query.isEmpty)
        #expect(metrics.summary?.macroAvgRocAuc != nil)
        #expect(metrics.binaryMetrics == nil && metrics.confusionMatrix == nil && metrics.testSet == nil)
    }

    @Test func getEvaluationAsksOnlyForTheFieldsGiven() async throws {
        let server = try FakeClarifaiServer()
        server.addEvaluation(id: "e", inApp: true)
        let metrics = try await client(server).getEvaluation(id: "e", fields: [.confusionMatrix, .labelCounts])
        #expect(try #require(server.requests.last).query == ["fields.confusion_matrix": "true", "fields.label_counts": "true"])
        #expect(metrics.confusionMatrix != nil && metrics.labelCounts != nil && metrics.binaryMetrics == nil)
    }

    @Test func listModelVersionEvaluationsSendsPagingAndReadsTheArray() async throws {
        let server = try FakeClarifaiServer()
        for index in 1...5 { server.addEvaluation(id: "e\(index)") }
        server.addEvaluation(id: "elsewhere", inApp: true)
        let page = try await client(server).listModelVersionEvaluations(page: 2, perPage: 2)
        let request = try #require(server.requests.last)
        #expect(request.method == "GET")
        #expect(request.path == "/v2/users/fake-user/apps/fake-app/models/fake-model/versions/fake-version/evaluations")
        #expect(request.query == ["page": "2", "per_page": "2"])
        #expect(page.map(\.id) == ["e3", "e2"])
    }

    @Test func listEvaluationsUsesTheAppPath() async throws {
        let server = try FakeClarifaiServer()
        server.addEvaluation(id: "a")
        server.addEvaluation(id: "b", inApp: true)
        let all = try await client(server).listEvaluations()
        let request = try #require(server.requests.last)
        #expect(request.path == "/v2/users/fake-user/apps/fake-app/evaluations")
        #expect(request.query == ["page": "1", "per_page": "128"])
        #expect(all.map(\.id) == ["b", "a"])
    }

    @Test func repliesWithUnknownFieldsStillDecode() async throws {
        let server = try FakeClarifaiServer(scenario: FakeClarifaiScenario.immediate.withUnknownFields())
        server.addEvaluation(id: "e")
        let client = try client(server)
        let metrics = try await client.getModelVersionEvaluation(id: "e", fields: .all)
        let listed = try await client.listModelVersionEvaluations()
        let created = try await client.postModelVersionEvaluations(RemoteEvaluationRequest())
        #expect(String(decoding: try #require(server.requests.last).body, as: UTF8.self).contains("eval_metrics"))
        #expect(metrics.binaryMetrics?.first?.rocCurve?.fpr?.count == 101)
        #expect(listed.count == 1)
        #expect(created.first?.status?.code == EvalStatus.evaluated)
    }

    @Test func pathComponentsArePercentEncoded() async throws {
        let server = try FakeClarifaiServer()
        let client = try client(server)
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await client.getEvaluation(id: "a/b c")
        }
        #expect(try #require(server.requests.last).path == "/v2/users/fake-user/apps/fake-app/evaluations/a%2Fb%20c")
        guard case .notFound(_, let status) = error else { Issue.record("expected notFound, got \(String(describing: error))"); return }
        #expect(status.code == 11101)
    }

    @Test func requestsAreLoggedAtTraceWithoutHeaders() async throws {
        let server = try FakeClarifaiServer()
        _ = try await client(server).listEvaluations()
        let record = try #require(logs.records.first { $0.message == "Clarifai exchange" })
        #expect(record.level == .trace)
        #expect(record.metadata["rpc"] == "ListEvaluations")
        #expect(record.metadata["http_status"] == "200")
        #expect(record.metadata["path"] == "/v2/users/fake-user/apps/fake-app/evaluations")
    }
}
