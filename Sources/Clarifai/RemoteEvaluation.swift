import Evaluation
import Foundation
import Logging

/// Runs one evaluation on Clarifai to the end: posts it, polls its status with backoff until it
/// is evaluated, failed or out of time, then fetches it with every heavy part.
///
/// Retries follow ``ClarifaiError/recovery(creates:)``: no connection and throttling (11003-11006,
/// 429) are retried for any request, waiting at least what `Retry-After` asks (up to
/// `policy.maxRetryAfter`); 5xx, 10020 and lost replies are retried for reads, but a Post that
/// may have created the evaluation is never sent again: the evaluation is looked up by its id
/// (always sent, made up when the caller gives none). Authentication, permission, not-found and
/// request errors are not retried. Waiting goes through `clock`, so tests run the backoff on a
/// virtual clock, and every wait ends early with `ClarifaiError.cancelled` when the task is
/// cancelled. Status changes are logged at info.
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
    ///   `.notEvaluated`, `.timedOut`, `.startUncertain`, `.cancelled`, or any request error
    ///   (`.missingSetting`, `.authenticationFailed`, `.permissionDenied`, `.notFound`, `.rejected`,
    ///   `.unreachable`, `.throttled`, `.serverFailure`, `.malformedResponse`).
    public func run(_ request: RemoteEvaluationRequest, timeout: Duration) async throws(ClarifaiError) -> FetchedEvaluation {
        let started = clock.now
        var request = request
        let id = request.evaluationID ?? Self.newEvaluationID()
        request.evaluationID = id
        let scope = EvaluationScope(request.method)
        let status: EvalStatus?
        do throws(ClarifaiError) {
            let created = try await retrying("start the evaluation", creates: true) { () async throws(ClarifaiError) in
                switch request.method {
                case .modelVersion: try await client.postModelVersionEvaluations(request)
                case .evaluations: try await client.postEvaluations(request)
                }
            }
            guard let evaluation = created.first, evaluation.id == nil || evaluation.id == id else {
                throw .malformedResponse(endpoint: "POST evaluations", reason: "the created evaluation is not \(id)")
            }
            status = evaluation.status
            logger.info("Clarifai evaluation started", metadata: Self.metadata(id, status))
        } catch where error.recovery(creates: true) == .lookUp {
            status = try await lookUp(id, scope: scope, after: error)
        }
        return try await waitUntilEvaluated(id, scope: scope, from: status, started: started, timeout: timeout)
    }

    /// Waits for an existing evaluation (started earlier, perhaps by another process) and returns
    /// it with the heavy parts of `policy.fields`.
    ///
    /// - Throws: as ``run(_:timeout:)``.
    public func wait(forEvaluation id: String, scope: EvaluationScope, timeout: Duration) async throws(ClarifaiError) -> FetchedEvaluation {
        try await waitUntilEvaluated(id, scope: scope, from: nil, started: clock.now, timeout: timeout)
    }

    /// One evaluation with the heavy `fields`, whatever its status, with retries.
    ///
    /// - Throws: any request error.
    public func fetch(evaluationID id: String, scope: EvaluationScope, fields: EvaluationFields) async throws(ClarifaiError) -> FetchedEvaluation {
        try await retrying("read the evaluation") { () async throws(ClarifaiError) in
            switch scope {
            case .modelVersion: try await client.getModelVersionEvaluationReply(id: id, fields: fields)
            case .app: try await client.getEvaluationReply(id: id, fields: fields)
            }
        }
    }

    /// One page of evaluations (summaries), with retries.
    ///
    /// - Throws: any request error.
    public func list(scope: EvaluationScope, page: Int = 1, perPage: Int = 128) async throws(ClarifaiError) -> [EvalMetrics] {
        try await retrying("list evaluations") { () async throws(ClarifaiError) in
            switch scope {
            case .modelVersion: try await client.listModelVersionEvaluations(page: page, perPage: perPage)
            case .app: try await client.listEvaluations(page: page, perPage: perPage)
            }
        }
    }

    /// A fresh evaluation id: 32 lowercase hex digits, the shape of the ids Clarifai makes.
    static func newEvaluationID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// After a Post that may have created evaluation `id`: its status when Clarifai has it.
    ///
    /// - Throws: `.startUncertain` when the lookup finds nothing or fails; `.cancelled`.
    private func lookUp(_ id: String, scope: EvaluationScope, after postError: ClarifaiError) async throws(ClarifaiError) -> EvalStatus? {
        let endpoint: String
        switch postError {
        case .serverFailure(let target, _, _), .interrupted(let target, _, _): endpoint = target
        default: endpoint = "POST evaluations"
        }
        logger.warning("Clarifai may have created the evaluation; looking it up instead of posting again", metadata: [
            "evaluation_id": "\(id)", "error": "\(postError)",
        ])
        let cause = Self.cause(postError)
        do {
            let found = try await fetch(evaluationID: id, scope: scope, fields: [])
            logger.info("Clarifai evaluation found after the failed start", metadata: Self.metadata(id, found.metrics.status))
            return found.metrics.status
        } catch .cancelled {
            throw .cancelled
        } catch .notFound(_, let status) {
            throw .startUncertain(evaluationID: id, endpoint: endpoint, cause: cause, lookup: "found nothing (\(status))")
        } catch {
            throw .startUncertain(evaluationID: id, endpoint: endpoint, cause: cause, lookup: "failed too (\(Self.cause(error)))")
        }
    }

    private static func cause(_ error: ClarifaiError) -> String {
        switch error {
        case .serverFailure(_, let status, _), .throttled(_, let status, _), .notFound(_, let status),
             .rejected(_, let status), .permissionDenied(_, let status), .authenticationFailed(_, let status, _):
            "\(status)"
        case .interrupted(_, let reason, _), .unreachable(_, let reason, _), .malformedResponse(_, let reason):
            reason
        default:
            "\(error)"
        }
    }

    // MARK: - Polling

    private func waitUntilEvaluated(
        _ id: String, scope: EvaluationScope, from initial: EvalStatus?, started: C.Instant, timeout: Duration
    ) async throws(ClarifaiError) -> FetchedEvaluation {
        let deadline = started.advanced(by: timeout)
        var last = initial
        var polls = 0
        while true {
            if let status = last {
                switch EvaluationProgress(code: status.code) {
                case .evaluated:
                    let result = try await fetch(evaluationID: id, scope: scope, fields: policy.fields)
                    logger.info("Clarifai evaluation fetched", metadata: Self.metadata(id, result.metrics.status))
                    return result
                case .failed:
                    throw .evaluationFailed(evaluationID: id, status: status)
                case .notEvaluated:
                    throw .notEvaluated(endpoint: "GET evaluations/\(id)", ClarifaiStatus(
                        httpStatus: 200, code: status.code, description: status.description, details: status.details))
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
            let current = try await fetch(evaluationID: id, scope: scope, fields: []).metrics
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

    /// `body`, tried again as ``ClarifaiError/recovery(creates:)`` allows, up to
    /// `policy.maxAttempts` attempts, waiting the backoff or the longer `Retry-After`.
    private func retrying<T>(
        _ what: String, creates: Bool = false, _ body: () async throws(ClarifaiError) -> T
    ) async throws(ClarifaiError) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard error.recovery(creates: creates) == .retry, attempt < policy.maxAttempts else {
                    throw error.afterAttempts(attempt)
                }
                var delay = policy.retrying.delay(attempt - 1)
                if let asked = error.retryAfter {
                    // A longer wait than this is an hourly or monthly limit: report it, do not sit in it.
                    guard asked <= policy.maxRetryAfter else { throw error.afterAttempts(attempt) }
                    delay = max(delay, asked)
                }
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
