import Evaluation
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One call per CLI action, on the real clock and a fresh URLSession.
public enum RemoteEvaluator {
    /// Starts an evaluation on Clarifai, waits up to `timeout`, and returns the finished
    /// evaluation with every heavy part (binary metrics with curves, confusion and co-occurrence
    /// matrices, label counts, metrics by class, test set), decoded and as Clarifai returned it.
    ///
    /// - Parameter request: defaults to ``RemoteEvaluationRequest/method(for:)`` with a made-up
    ///   evaluation id and Clarifai's default `use_kfold`.
    /// - Throws: `ClarifaiError`, see ``RemoteEvaluation/run(_:timeout:)``.
    public static func evaluate(
        configuration: ClarifaiConfiguration, request: RemoteEvaluationRequest? = nil, timeout: Duration,
        logger: Logger, transport: any HTTPTransport = URLSession.clarifai()
    ) async throws(ClarifaiError) -> FetchedEvaluation {
        let chosen: RemoteEvaluationRequest
        if let request {
            chosen = request
        } else {
            chosen = RemoteEvaluationRequest(method: try RemoteEvaluationRequest.method(for: configuration))
        }
        return try await evaluation(configuration, transport, logger).run(chosen, timeout: timeout)
    }

    /// One evaluation by id with the heavy `fields` (`crossfold clarifai get`).
    ///
    /// - Parameter scope: defaults to ``EvaluationScope/default(for:)``.
    /// - Throws: `ClarifaiError` request errors (`.notFound` for an unknown id).
    public static func get(
        configuration: ClarifaiConfiguration, evaluationID: String, scope: EvaluationScope? = nil,
        fields: EvaluationFields = .all, logger: Logger, transport: any HTTPTransport = URLSession.clarifai()
    ) async throws(ClarifaiError) -> FetchedEvaluation {
        try await evaluation(configuration, transport, logger)
            .fetch(evaluationID: evaluationID, scope: scope ?? .default(for: configuration), fields: fields)
    }

    /// One page of evaluations, summaries only (`crossfold clarifai list`).
    ///
    /// - Parameter scope: defaults to ``EvaluationScope/default(for:)``.
    /// - Throws: `ClarifaiError` request errors.
    public static func list(
        configuration: ClarifaiConfiguration, scope: EvaluationScope? = nil, page: Int = 1, perPage: Int = 128,
        logger: Logger, transport: any HTTPTransport = URLSession.clarifai()
    ) async throws(ClarifaiError) -> [EvalMetrics] {
        try await evaluation(configuration, transport, logger)
            .list(scope: scope ?? .default(for: configuration), page: page, perPage: perPage)
    }

    private static func evaluation(
        _ configuration: ClarifaiConfiguration, _ transport: any HTTPTransport, _ logger: Logger
    ) -> RemoteEvaluation<ContinuousClock> {
        let client = ClarifaiClient(configuration: configuration, transport: transport, logger: logger)
        return RemoteEvaluation(client: client, clock: ContinuousClock(), logger: logger)
    }
}
