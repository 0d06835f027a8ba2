import Evaluation
import Foundation
import JSON

/// The fake Clarifai API without sockets: takes a request, returns the reply, keeps the
/// evaluations. ``FakeClarifaiServer`` puts it behind real HTTP.
struct FakeClarifaiService {
    /// Where an evaluation was created.
    enum Origin: Equatable {
        /// PostModelVersionEvaluations on the configured version.
        case modelVersion
        /// PostEvaluations (model and ground-truth dataset in the body).
        case app
    }

    struct StoredEvaluation {
        var id: String
        var origin: Origin
        var reads = 0
        var walk: [EvalStatus]
        var params: [String: JSONValue]
        var groundTruthDataset: DatasetReference?

        var status: EvalStatus { walk[min(reads, walk.count - 1)] }
    }

    let pat: String
    let userID: String
    let appID: String
    let modelID: String
    let modelVersionID: String
    var scenario: FakeClarifaiScenario
    private(set) var evaluations: [StoredEvaluation] = []
    private var requestCount = 0

    init(pat: String, userID: String, appID: String, modelID: String, modelVersionID: String, scenario: FakeClarifaiScenario) {
        self.pat = pat
        self.userID = userID
        self.appID = appID
        self.modelID = modelID
        self.modelVersionID = modelVersionID
        self.scenario = scenario
    }

    // MARK: - Routing

    mutating func handle(_ request: RecordedHTTPRequest) -> HTTPReply {
        requestCount += 1
        if requestCount <= scenario.serverErrors {
            return failure(500, 10020, "Failure", "Internal error; please retry.")
        }
        if requestCount <= scenario.serverErrors + scenario.droppedReplies {
            return HTTPReply.dropConnection
        }
        let scripted = requestCount - scenario.serverErrors - scenario.droppedReplies - 1
        if scenario.failures.indices.contains(scripted) {
            let failure = scenario.failures[scripted]
            if failure.afterServing { _ = route(request) }
            guard failure.httpStatus != 0 else { return HTTPReply.dropConnection }
            var reply = self.failure(failure.httpStatus, failure.code, failure.description, "Scripted by the test.")
            if let retryAfter = failure.retryAfter { reply.headers["Retry-After"] = retryAfter }
            return reply
        }
        return route(request)
    }

    private mutating func route(_ request: RecordedHTTPRequest) -> HTTPReply {
        guard request.header("authorization") == "Key \(pat)" else {
            // Real services sometimes echo the rejected key; the client must scrub it.
            let sent = request.header("authorization") ?? "(no Authorization header)"
            return failure(401, 11008, "API key not found", "Check the API key: '\(sent)' is not valid.")
        }
        if scenario.garbledReplies {
            return HTTPReply(status: 200, body: Data("<html><body>Sign in to continue</body></html>".utf8), contentType: "text/html")
        }
        if scenario.missingScopes {
            return failure(403, 11007, "Insufficient scopes", "Missing scopes: Models_Train, Metrics_Add")
        }
        let segments = request.path.split(separator: "/").map(String.init)
        guard segments.count >= 5, segments[0] == "v2", segments[1] == "users", segments[3] == "apps" else {
            return failure(404, 11101, "Resource does not exist", "No route for \(request.method) \(request.path)")
        }
        guard segments[2] == userID, segments[4] == appID else {
            return failure(404, 11101, "Resource does not exist", "App \(segments[2])/\(segments[4]) not found")
        }
        let rest = Array(segments[5...])
        switch (request.method, rest.count, rest.first) {
        case ("POST", 5, "models") where rest[2] == "versions" && rest[4] == "evaluations":
            if let refusal = checkModel(rest[1], rest[3]) { return refusal }
            return post(request, origin: .modelVersion)
        case ("GET", 5, "models") where rest[2] == "versions" && rest[4] == "evaluations":
            if let refusal = checkModel(rest[1], rest[3]) { return refusal }
            return list(request, origin: .modelVersion)
        case ("GET", 6, "models") where rest[2] == "versions" && rest[4] == "evaluations":
            if let refusal = checkModel(rest[1], rest[3]) { return refusal }
            return get(request, id: rest[5], origin: .modelVersion)
        case ("POST", 1, "evaluations"):
            return post(request, origin: .app)
        case ("GET", 1, "evaluations"):
            return list(request, origin: nil)
        case ("GET", 2, "evaluations"):
            return get(request, id: rest[1], origin: nil)
        default:
            return failure(404, 11101, "Resource does not exist", "No route for \(request.method) \(request.path)")
        }
    }

    private func checkModel(_ model: String?, _ version: String?) -> HTTPReply? {
        guard scenario.unknownModel || model != modelID || version != modelVersionID else { return nil }
        return failure(404, 21200, "Model does not exist",
                       "Model '\(model ?? "")' version '\(version ?? "")' not found in app \(userID)/\(appID).")
    }

    // MARK: - RPCs

    private mutating func post(_ request: RecordedHTTPRequest, origin: Origin) -> HTTPReply {
        guard request.header("content-type")?.hasPrefix("application/json") == true else {
            return failure(400, 11102, "Invalid request", "Content-Type must be application/json")
        }
        let items: [[String: JSONValue]]
        do {
            items = try Self.evalMetricsItems(request.body, origin: origin)
        } catch {
            return failure(400, 11102, "Invalid request", error.reason)
        }
        var created: [StoredEvaluation] = []
        for item in items {
            if origin == .app {
                let model = item["model"]
                if let refusal = checkModel(model?["id"]?.stringValue, model?["model_version"]?["id"]?.stringValue) {
                    return refusal
                }
                if (model?["user_id"]?.stringValue ?? userID) != userID || (model?["app_id"]?.stringValue ?? appID) != appID {
                    return failure(404, 21200, "Model does not exist", "The model is not in app \(userID)/\(appID).")
                }
            }
            let id = item["id"]?.stringValue ?? String(format: "%032x", 0xE7A1_0000 + evaluations.count + created.count)
            if evaluations.contains(where: { $0.id == id }) || created.contains(where: { $0.id == id }) {
                return failure(409, 40010, "Duplicate key", "An evaluation with id '\(id)' already exists.")
            }
            let given = item["eval_info"]?["params"]?.objectValue ?? [:]
            var params = given
            params["dataset_id"] = given["dataset_id"] ?? .string(item["ground_truth_dataset"]?["id"]?.stringValue ?? "")
            params["dataset_version_id"] = given["dataset_version_id"]
                ?? .string(item["ground_truth_dataset"]?["version"]?["id"]?.stringValue ?? "")
            params["use_kfold"] = given["use_kfold"] ?? .bool(true)
            let dataset = item["ground_truth_dataset"].flatMap { value in
                try? JSONDecoder().decode(DatasetReference.self, from: JSONEncoder().encode(value))
            }
            created.append(StoredEvaluation(id: id, origin: origin, walk: scenario.statusWalk, params: params,
                                            groundTruthDataset: dataset))
        }
        evaluations += created
        return success(.array(created.map { render($0, fields: []) }))
    }

    private mutating func get(_ request: RecordedHTTPRequest, id: String, origin: Origin?) -> HTTPReply {
        guard let index = evaluations.firstIndex(where: { $0.id == id && (origin == nil || $0.origin == origin) }) else {
            return failure(404, 11101, "Resource does not exist", "Evaluation '\(id)' not found.")
        }
        evaluations[index].reads += 1
        if let recorded = scenario.recordedEvaluation, evaluations[index].status.code == EvalStatus.evaluated {
            return HTTPReply(status: 200, body: recorded)
        }
        let fields = Set(request.query.filter { $0.key.hasPrefix("fields.") && ["true", "True", "1"].contains($0.value) }
            .map { String($0.key.dropFirst("fields.".count)) })
        return success(render(evaluations[index], fields: fields))
    }

    private func list(_ request: RecordedHTTPRequest, origin: Origin?) -> HTTPReply {
        let page = max(1, Int(request.query["page"] ?? "") ?? 1)
        let perPage = max(1, Int(request.query["per_page"] ?? "") ?? 128)
        let newestFirst = evaluations.filter { origin == nil || $0.origin == origin }.reversed()
        let slice = newestFirst.dropFirst((page - 1) * perPage).prefix(perPage)
        return success(.array(slice.map { render($0, fields: []) }))
    }

    /// Adds an evaluation without a Post (for list and get tests).
    mutating func add(id: String, status: EvalStatus, origin: Origin) {
        evaluations.append(StoredEvaluation(id: id, origin: origin, walk: [status],
                                            params: ["dataset_id": .string(""), "use_kfold": .bool(true)]))
    }

    // MARK: - Replies

    /// The evaluation as Clarifai shows it: the summary once evaluated, heavy parts only when asked.
    private func render(_ stored: StoredEvaluation, fields: Set<String>) -> JSONValue {
        var metrics = EvalMetrics()
        if stored.status.code == EvalStatus.evaluated {
            let full = FakeClassifierResults.standard
            metrics.summary = full.summary
            if fields.contains("binary_metrics") { metrics.binaryMetrics = full.binaryMetrics }
            if fields.contains("confusion_matrix") { metrics.confusionMatrix = full.confusionMatrix }
            if fields.contains("cooccurrence_matrix") { metrics.cooccurrenceMatrix = full.cooccurrenceMatrix }
            if fields.contains("label_counts") { metrics.labelCounts = full.labelCounts }
            if fields.contains("test_set") { metrics.testSet = full.testSet }
            // A classifier has no detection metrics, even when asked.
            if fields.contains("metrics_by_class") { metrics.metricsByClass = [] }
            if fields.contains("metrics_by_area") { metrics.metricsByArea = [] }
        }
        metrics.id = stored.id
        metrics.userID = userID
        metrics.appID = appID
        metrics.status = stored.status
        metrics.model = ModelReference(id: modelID, appID: appID, userID: userID, versionID: modelVersionID)
        metrics.groundTruthDataset = stored.groundTruthDataset
        metrics.evalInfo = EvalInfo(params: .object(stored.params))
        return (try? JSONValue.parse(SortedJSONEncoder(pretty: false).encode(metrics))) ?? .null
    }

    private func success(_ evalMetrics: JSONValue) -> HTTPReply {
        reply(200, .object([
            "status": .object(["code": .number(10000), "description": .string("Ok"), "req_id": requestID]),
            "eval_metrics": evalMetrics,
        ]))
    }

    private func failure(_ http: Int, _ code: Int, _ description: String, _ details: String) -> HTTPReply {
        reply(http, .object(["status": .object([
            "code": .number(Double(code)), "description": .string(description), "details": .string(details),
            "req_id": requestID,
        ])]))
    }

    private var requestID: JSONValue { .string(String(format: "%032x", 0xC1A8_0000 + requestCount)) }

    private func reply(_ status: Int, _ body: JSONValue) -> HTTPReply {
        let body = scenario.unknownFields ? Self.addingUnknownFields(body) : body
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return HTTPReply(status: status, body: (try? encoder.encode(body)) ?? Data())
    }

    /// `value` with `crossfold_unknown_field` added to every object (a newer server's reply).
    static func addingUnknownFields(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var fields = fields.mapValues(addingUnknownFields)
            fields["crossfold_unknown_field"] = .object(["added_by": .string("FakeClarifaiServer"),
                                                         "values": .array([.number(1), .string("two"), .bool(true)])])
            return .object(fields)
        case .array(let items):
            return .array(items.map(addingUnknownFields))
        default:
            return value
        }
    }
}
