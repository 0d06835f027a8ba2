import Evaluation
import Logging

/// Runs one evaluation on Clarifai to the end: posts it, polls its status with backoff until it
/// is evaluated, failed or out of time, then fetches it with every heavy part.
///
/// Transient failures (no connection, 5xx, 429, 10020) are retried `policy.maxAttempts` times in
/// all with backoff; authentication, scope, not-found and request errors are not. Waiting goes
/// through `clock`, so tests run the backoff on a virtual clock, and every wait ends early with
/// `ClarifaiError.cancelled` when the task is cancelled. Status changes are logged at info.
public struct RemoteEvaluation<C: Clock>: Sendable where C.Duration == Duration {
    public let client: ClarifaiClient
    public let clock: C
    public let policy: RemotePolicy
    let logger: Logger

    public init(client: ClarifaiClient, clock: C, policy: RemotePolicy = RemotePolicy(), logger: Logger) {
        self.client = client
        self.clock = clock
        self.policy = policy
        self.logger = logger
    }

    /// Posts `request`, waits up to `timeout` for it to finish, and returns the finished
    /// evaluation with the heavy parts of `policy.fields`.
    ///
    /// - Throws: `ClarifaiError`: `.evaluationFailed` with Clarifai's description and details,
    ///   `.timedOut`, `.cancelled`, or any request error (`.missingSetting`, `.authenticationFailed`,
    ///   `.permissionDenied`, `.notFound`, `.rejected`, `.unreachable`, `.interrupted`,
    ///   `.serverFailure`, `.malformedResponse`).
    public func run(_ request: RemoteEvaluationRequest, timeout: Duration) async throws(ClarifaiError) -> EvalMetrics {
        let started = clock.now
        let created = try await retrying("start the evaluation", idempotent: false) { () async throws(ClarifaiError) in
            switch request.method {
            case .modelVersion: try await client.postModelVersionEvaluations(request)
            case .groundTruthDataset: try await client.postEvaluations(request)
            }
        }
        guard let evaluation = created.first, let id = evaluation.id, !id.isEmpty else {
            throw .malformedResponse(endpoint: "POST evaluations", reason: "the created evaluation has no id")
        }
        logger.info("Clarifai evaluation started", metadata: Self.metadata(id, evaluation.status))
        return try await waitUntilEvaluated(id, scope: EvaluationScope(request.method), from: evaluation.status,
                                            started: started, timeout: timeout)
    }

    /// Waits for an existing evaluation (started earlier, perhaps by another process) and returns
    /// it with the heavy parts of `policy.fields`.
    ///
    /// - Throws: as ``run(_:timeout:)``.
    public func wait(forEvaluation id: String, scope: EvaluationScope, timeout: Duration) async throws(ClarifaiError) -> EvalMetrics {
        try await waitUntilEvaluated(id, scope: scope, from: nil, started: clock.now, timeout: timeout)
    }

    /// One evaluation with the heavy `fields`, whatever its status, with retries.
    ///
    /// - Throws: any request error.
    public func fetch(evaluationID id: String, scope: EvaluationScope, fields: EvaluationFields) async throws(ClarifaiError) -> EvalMetrics {
        try await retrying("read the evaluation", idempotent: true) { () async throws(ClarifaiError) in
            switch scope {
            case .modelVersion: try await client.getModelVersionEvaluation(id: id, fields: fields)
            case .app: try await client.getEvaluation(id: id, fields: fields)
            }
        }
    }

    /// One page of evaluations (summaries), with retries.
    ///
    /// - Throws: any request error.
    public func list(scope: EvaluationScope, page: Int = 1, perPage: Int = 128) async throws(ClarifaiError) -> [EvalMetrics] {
        try await retrying("list evaluations", idempotent: true) { () async throws(ClarifaiError) in
            switch scope {
            case .modelVersion: try await client.listModelVersionEvaluations(page: page, perPage: perPage)
            case .app: try await client.listEvaluations(page: page, perPage: perPage)
            }
        }
    }

    // MARK: - Polling

    private func waitUntilEvaluated(
        _ id: String, scope: EvaluationScope, from initial: EvalStatus?, started: C.Instant, timeout: Duration
    ) async throws(ClarifaiError) -> EvalMetrics {
        let deadline = started.advanced(by: timeout)
        var last = initial
        var polls = 0
        while true {
            if let status = last {
                switch EvaluationProgress(code: status.code) {
                case .evaluated:
                    let result = try await fetch(evaluationID: id, scope: scope, fields: policy.fields)
                    logger.info("Clarifai evaluation fetched", metadata: Self.metadata(id, result.status))
                    return result
                case .failed:
                    throw .evaluationFailed(evaluationID: id, status: status)
                case .pending:
                    break
                }
            }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw .timedOut(evaluationID: id, waited: started.duration(to: clock.now), lastStatus: last)
            }
            try await sleep(min(policy.polling.delay(polls), remaining))
            polls += 1
            let current = try await fetch(evaluationID: id, scope: scope, fields: [])
            guard let status = current.status else {
                throw .malformedResponse(endpoint: "GET evaluations/\(id)", reason: "the evaluation has no status")
            }
            if status.code != last?.code {
                logger.info("Clarifai evaluation status changed", metadata: Self.metadata(id, status))
            } else {
                logger.debug("Clarifai evaluation still waiting", metadata: Self.metadata(id, status))
            }
            last = status
        }
    }

    // MARK: - Retries and waiting

    private func retrying<T>(
        _ what: String, idempotent: Bool, _ body: () async throws(ClarifaiError) -> T
    ) async throws(ClarifaiError) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard error.isTransient(idempotent: idempotent), attempt < policy.maxAttempts else {
                    throw error.afterAttempts(attempt)
                }
                let delay = policy.retrying.delay(attempt - 1)
                logger.warning("Clarifai request failed; retrying", metadata: [
                    "action": "\(what)", "attempt": "\(attempt)", "max_attempts": "\(policy.maxAttempts)",
                    "retry_in": "\(ClarifaiError.seconds(delay))", "error": "\(error)",
                ])
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    private func sleep(_ duration: Duration) async throws(ClarifaiError) {
        do {
            try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
        } catch {
            throw .cancelled
        }
    }

    private static func metadata(_ id: String, _ status: EvalStatus?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["evaluation_id": "\(id)"]
        if let status {
            metadata["status_code"] = "\(status.code)"
            if let description = status.description { metadata["status"] = "\(description)" }
            if let percent = status.percentCompleted { metadata["percent_completed"] = "\(percent)" }
        }
        return metadata
    }
}
