import Evaluation

/// Everything that can go wrong configuring or talking to Clarifai. Every message says what is
/// wrong and what to do; none contains the PAT.
public enum ClarifaiError: Error, Sendable, Equatable {
    /// A required setting is not set anywhere.
    case missingSetting(ClarifaiSetting)
    /// A setting has a value that cannot work (never used for the PAT, whose value is never shown).
    case invalidSetting(ClarifaiSetting, value: String, reason: String)
    /// The PAT from `source` (CLARIFAI_PAT or a --pat-file path) is unusable.
    case invalidPAT(source: String, reason: String)
    /// The --pat-file could not be read.
    case patFileUnreadable(path: String, reason: String)
    /// The config file holds CLARIFAI_PAT, which belongs in the environment or a --pat-file.
    case patInConfigFile(path: String, line: Int)
    /// The config file could not be read.
    case configFileUnreadable(path: String, reason: String)
    /// A config-file line is not `KEY=VALUE` with a known key.
    case configFileInvalid(path: String, line: Int, reason: String)

    /// No connection: refused, DNS, TLS. The request never reached Clarifai.
    case unreachable(endpoint: String, reason: String, attempts: Int)
    /// The exchange broke after the request may have been sent (timeout, connection lost, garbled
    /// reply): Clarifai may have acted on it, so a Post is not repeated.
    case interrupted(endpoint: String, reason: String, attempts: Int)
    /// 5xx or Clarifai 10020/10030 on every attempt.
    case serverFailure(endpoint: String, ClarifaiStatus, attempts: Int)
    /// Clarifai 11003/11004/11005/11006 (whatever the HTTP status) or HTTP 429 on every attempt, or
    /// a `Retry-After` longer than ``RemotePolicy/maxRetryAfter``.
    case throttled(endpoint: String, ClarifaiStatus, attempts: Int)
    /// 401, or Clarifai 11001/11002/11008/11009: the PAT from `patSource` is wrong, expired or unknown.
    case authenticationFailed(endpoint: String, ClarifaiStatus, patSource: String)
    /// 403, or Clarifai 11007 (the key lacks a scope) or 21201 (its user may not use the model).
    case permissionDenied(endpoint: String, ClarifaiStatus)
    /// 404, or Clarifai 21200/11101: the user, app, model, version or evaluation does not exist.
    case notFound(endpoint: String, ClarifaiStatus)
    /// Any other refusal (4xx, 11102, 21202, ...).
    case rejected(endpoint: String, ClarifaiStatus)
    /// A 2xx reply that is not the JSON the RPC returns.
    case malformedResponse(endpoint: String, reason: String)
    /// Clarifai 21302: the model version has no evaluation to wait for (none was started, or it
    /// was never run); waiting would only run into the timeout.
    case notEvaluated(endpoint: String, ClarifaiStatus)
    /// A Post failed in a way that may have created the evaluation (5xx, 10020, a lost reply), and
    /// looking it up by id did not find it (`lookup` says what the lookup got).
    case startUncertain(evaluationID: String, endpoint: String, cause: String, lookup: String)

    /// The evaluation ended with a failure status (21310-21317 or any other non-running 213xx).
    case evaluationFailed(evaluationID: String, status: EvalStatus)
    /// The evaluation was still queued or running when the caller's timeout ran out.
    case timedOut(evaluationID: String, waited: Duration, lastStatus: EvalStatus?)
    /// The caller's task was cancelled while waiting.
    case cancelled

    /// How the CLI should treat an error.
    public enum Category: Sendable, Equatable {
        /// The configuration is missing or wrong (fix the settings; no request was made).
        case configuration
        /// Clarifai cannot be reached or will not serve this key: unreachable, server failures,
        /// authentication and permission.
        case unavailable
        /// Clarifai refused the request as asked: unknown model or evaluation, invalid request,
        /// unreadable reply.
        case rejected
        /// The evaluation itself failed or did not finish in time.
        case evaluation
        /// The caller cancelled.
        case cancelled
    }

    /// The category the CLI maps to an exit code.
    public var category: Category {
        switch self {
        case .missingSetting, .invalidSetting, .invalidPAT, .patFileUnreadable, .patInConfigFile,
             .configFileUnreadable, .configFileInvalid:
            .configuration
        case .unreachable, .interrupted, .serverFailure, .throttled, .authenticationFailed, .permissionDenied,
             .startUncertain:
            .unavailable
        case .notFound, .rejected, .malformedResponse:
            .rejected
        case .evaluationFailed, .timedOut, .notEvaluated:
            .evaluation
        case .cancelled:
            .cancelled
        }
    }

    /// What to do after this error, for a request that creates something (`creates`: a Post) or not.
    enum Recovery: Equatable {
        /// Send the request again: it never reached Clarifai (`unreachable`) or Clarifai refused it
        /// unprocessed (`throttled`), or it only reads.
        case retry
        /// Do not send it again: Clarifai may have acted on it (5xx, 10020, a lost reply); look up
        /// what it created.
        case lookUp
        /// Another attempt would fail the same way.
        case fail
    }

    func recovery(creates: Bool) -> Recovery {
        switch self {
        case .unreachable, .throttled: .retry
        case .serverFailure, .interrupted: creates ? .lookUp : .retry
        default: .fail
        }
    }

    /// The wait Clarifai asked for with `Retry-After`, if any.
    var retryAfter: Duration? {
        switch self {
        case .serverFailure(_, let status, _), .throttled(_, let status, _): status.retryAfter
        default: nil
        }
    }

    /// The same error reporting `attempts` tries.
    func afterAttempts(_ attempts: Int) -> ClarifaiError {
        switch self {
        case .unreachable(let endpoint, let reason, _): .unreachable(endpoint: endpoint, reason: reason, attempts: attempts)
        case .interrupted(let endpoint, let reason, _): .interrupted(endpoint: endpoint, reason: reason, attempts: attempts)
        case .serverFailure(let endpoint, let status, _): .serverFailure(endpoint: endpoint, status, attempts: attempts)
        case .throttled(let endpoint, let status, _): .throttled(endpoint: endpoint, status, attempts: attempts)
        default: self
        }
    }
}
