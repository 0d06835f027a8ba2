import Evaluation

/// The body of both Post RPCs: `{"eval_metrics": [...]}`. Only the fields the server reads are set
/// on each `EvalMetrics`, and `EvalMetrics` encodes only what is set.
struct PostEvaluationsBody: Encodable {
    var evalMetrics: [EvalMetrics]

    enum CodingKeys: String, CodingKey {
        case evalMetrics = "eval_metrics"
    }
}

/// A response-level `status`; every field optional so any error body reads.
struct WireStatus: Decodable {
    var code: Int?
    var description: String?
    var details: String?
    var reqID: String?

    enum CodingKeys: String, CodingKey {
        case code, description, details
        case reqID = "req_id"
    }
}

/// Any reply, read for its status only.
struct StatusEnvelope: Decodable {
    var status: WireStatus?
}

/// MultiEvalMetricsResponse: Post* and List* replies.
struct MultiEvalMetricsResponse: Decodable {
    var status: WireStatus?
    var evalMetrics: [EvalMetrics]?

    enum CodingKeys: String, CodingKey {
        case status
        case evalMetrics = "eval_metrics"
    }
}

/// SingleEvalMetricsResponse: Get* replies (`eval_metrics` is an object).
struct SingleEvalMetricsResponse: Decodable {
    var status: WireStatus?
    var evalMetrics: EvalMetrics?

    enum CodingKeys: String, CodingKey {
        case status
        case evalMetrics = "eval_metrics"
    }
}
