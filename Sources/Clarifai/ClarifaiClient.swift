import Evaluation
import Foundation
import JSON
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Clarifai's six evaluation RPCs over REST, one HTTP exchange per call, no retries (see
/// ``RemoteEvaluation`` for polling and retries). docs/CLARIFAI.md lists the paths and bodies.
///
/// Uses the primary `/v2/users/{user}/apps/{app}/...` paths, `Authorization: Key <PAT>`, and
/// Clarifai's snake_case JSON; replies with fields this version does not know still decode, and
/// numbers are read in every proto3 JSON form (``ProtoJSONDecoder``).
public struct ClarifaiClient: Sendable {
    public let configuration: ClarifaiConfiguration
    let transport: any HTTPTransport
    let logger: Logger
    let requestTimeout: Duration

    /// - Parameters:
    ///   - transport: `URLSession.clarifai()` unless a test or caller brings its own.
    ///   - requestTimeout: how long one HTTP exchange may take.
    ///   - logger: requests are logged at trace (method, path, HTTP status, milliseconds), never
    ///     headers or the PAT.
    public init(
        configuration: ClarifaiConfiguration, transport: any HTTPTransport = URLSession.clarifai(),
        requestTimeout: Duration = .seconds(60), logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// PostModelVersionEvaluations (only with `evaluationEndpoints = .modelVersion`): starts an
    /// evaluation of the configured model version. Sends `{"eval_metrics":[{"id"?, "model":{...},
    /// "eval_info"?:{"params":{"dataset_id"?, "use_kfold"?}}}]}`: never an empty item.
    ///
    /// - Returns: the created evaluations (one), usually queued (21303).
    /// - Throws: `ClarifaiError` `.missingSetting` (model or version id) before any request; the
    ///   HTTP errors of ``send(_:_:_:query:body:)``.
    public func postModelVersionEvaluations(_ request: RemoteEvaluationRequest) async throws(ClarifaiError) -> [EvalMetrics] {
        let path = try modelVersionPath() + ["evaluations"]
        var item = EvalMetrics()
        item.id = request.evaluationID
        item.model = try modelReference()
        item.evalInfo = evalInfo(datasetID: configuration.datasetID, useKfold: request.useKfold)
        let reply: MultiEvalMetricsResponse = try await send("POST", path, "PostModelVersionEvaluations",
                                                             body: PostEvaluationsBody(evalMetrics: [item]))
        return try nonEmpty(reply.evalMetrics, "PostModelVersionEvaluations", path)
    }

    /// PostEvaluations (the default): starts an evaluation of the configured model version, against
    /// the configured ground-truth dataset when there is one (it may live in another app). Sends
    /// `{"eval_metrics":[{"id"?, "model":{...,"model_version":{"id"}}, "ground_truth_dataset"?:{...},
    /// "eval_info"?}]}`; without a dataset Clarifai picks the data, as for the model-version call.
    ///
    /// - Throws: `ClarifaiError.missingSetting` (model or version id, or the dataset id when its
    ///   app, user or version is set) before any request; the HTTP errors of
    ///   ``send(_:_:_:query:body:)``.
    public func postEvaluations(_ request: RemoteEvaluationRequest) async throws(ClarifaiError) -> [EvalMetrics] {
        let path = appPath() + ["evaluations"]
        var item = EvalMetrics()
        item.id = request.evaluationID
        item.model = try modelReference()
        if configuration.namesDatasetElsewhere || configuration.datasetID != nil {
            let datasetID = try configuration.required(configuration.datasetID, .datasetID)
            item.groundTruthDataset = DatasetReference(
                id: datasetID, appID: configuration.datasetAppID ?? configuration.appID,
                userID: configuration.datasetUserID ?? configuration.userID, versionID: configuration.datasetVersionID
            )
        }
        item.evalInfo = evalInfo(datasetID: nil, useKfold: request.useKfold)
        let reply: MultiEvalMetricsResponse = try await send("POST", path, "PostEvaluations",
                                                             body: PostEvaluationsBody(evalMetrics: [item]))
        return try nonEmpty(reply.evalMetrics, "PostEvaluations", path)
    }

    /// GetModelVersionEvaluation: one evaluation of the configured model version, with the heavy
    /// `fields` asked for (summary only when empty), and the reply exactly as Clarifai sent it.
    public func getModelVersionEvaluationReply(id: String, fields: EvaluationFields = []) async throws(ClarifaiError) -> FetchedEvaluation {
        let path = try modelVersionPath() + ["evaluations", id]
        let (reply, body): (SingleEvalMetricsResponse, Data) = try await exchange(
            "GET", path, "GetModelVersionEvaluation", query: fieldsQuery(fields))
        return FetchedEvaluation(metrics: try present(reply.evalMetrics, "GetModelVersionEvaluation", path), response: body)
    }

    /// GetEvaluation: one evaluation of the app, with the heavy `fields` asked for, and the reply
    /// exactly as Clarifai sent it.
    public func getEvaluationReply(id: String, fields: EvaluationFields = []) async throws(ClarifaiError) -> FetchedEvaluation {
        let path = appPath() + ["evaluations", id]
        let (reply, body): (SingleEvalMetricsResponse, Data) = try await exchange(
            "GET", path, "GetEvaluation", query: fieldsQuery(fields))
        return FetchedEvaluation(metrics: try present(reply.evalMetrics, "GetEvaluation", path), response: body)
    }

    /// ``getModelVersionEvaluationReply(id:fields:)``, decoded only.
    public func getModelVersionEvaluation(id: String, fields: EvaluationFields = []) async throws(ClarifaiError) -> EvalMetrics {
        try await getModelVersionEvaluationReply(id: id, fields: fields).metrics
    }

    /// ``getEvaluationReply(id:fields:)``, decoded only.
    public func getEvaluation(id: String, fields: EvaluationFields = []) async throws(ClarifaiError) -> EvalMetrics {
        try await getEvaluationReply(id: id, fields: fields).metrics
    }

    /// ListModelVersionEvaluations: the configured version's evaluations, one page (summaries only).
    public func listModelVersionEvaluations(page: Int = 1, perPage: Int = 128) async throws(ClarifaiError) -> [EvalMetrics] {
        let path = try modelVersionPath() + ["evaluations"]
        let reply: MultiEvalMetricsResponse = try await send("GET", path, "ListModelVersionEvaluations",
                                                             query: pageQuery(page, perPage))
        return reply.evalMetrics ?? []
    }

    /// ListEvaluations: the app's evaluations, one page (summaries only).
    public func listEvaluations(page: Int = 1, perPage: Int = 128) async throws(ClarifaiError) -> [EvalMetrics] {
        let path = appPath() + ["evaluations"]
        let reply: MultiEvalMetricsResponse = try await send("GET", path, "ListEvaluations",
                                                             query: pageQuery(page, perPage))
        return reply.evalMetrics ?? []
    }

    // MARK: - Request parts

    func appPath() -> [String] {
        ["v2", "users", configuration.userID, "apps", configuration.appID]
    }

    func modelVersionPath() throws(ClarifaiError) -> [String] {
        let modelID = try configuration.required(configuration.modelID, .modelID)
        let versionID = try configuration.required(configuration.modelVersionID, .modelVersionID)
        return appPath() + ["models", modelID, "versions", versionID]
    }

    private func modelReference() throws(ClarifaiError) -> ModelReference {
        ModelReference(id: try configuration.required(configuration.modelID, .modelID), appID: configuration.appID,
                       userID: configuration.userID,
                       versionID: try configuration.required(configuration.modelVersionID, .modelVersionID))
    }

    private func evalInfo(datasetID: String?, useKfold: Bool?) -> EvalInfo? {
        var params: [String: JSONValue] = [:]
        if let datasetID { params["dataset_id"] = .string(datasetID) }
        if let useKfold { params["use_kfold"] = .bool(useKfold) }
        return params.isEmpty ? nil : EvalInfo(params: .object(params))
    }

    private func fieldsQuery(_ fields: EvaluationFields) -> [URLQueryItem] {
        fields.queryNames.map { URLQueryItem(name: $0, value: "true") }
    }

    private func pageQuery(_ page: Int, _ perPage: Int) -> [URLQueryItem] {
        [URLQueryItem(name: "page", value: "\(page)"), URLQueryItem(name: "per_page", value: "\(perPage)")]
    }

    private func nonEmpty(_ items: [EvalMetrics]?, _ rpc: String, _ path: [String]) throws(ClarifaiError) -> [EvalMetrics] {
        guard let items, !items.isEmpty else {
            throw .malformedResponse(endpoint: endpoint("POST", path), reason: "\(rpc) returned no eval_metrics")
        }
        return items
    }

    private func present(_ item: EvalMetrics?, _ rpc: String, _ path: [String]) throws(ClarifaiError) -> EvalMetrics {
        guard let item else {
            throw .malformedResponse(endpoint: endpoint("GET", path), reason: "\(rpc) returned no eval_metrics")
        }
        return item
    }

    func endpoint(_ method: String, _ path: [String]) -> String {
        "\(method) /" + path.joined(separator: "/")
    }
}
