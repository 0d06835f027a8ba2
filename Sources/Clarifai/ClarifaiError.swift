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
    /// 5xx, 429 or Clarifai 10020 on every attempt.
    case serverFailure(endpoint: String, ClarifaiStatus, attempts: Int)
    /// 401, or Clarifai 11008/11009: the key is wrong or unknown.
    case authenticationFailed(endpoint: String, ClarifaiStatus)
    /// 403, or Clarifai 11007: the key lacks a scope.
    case permissionDenied(endpoint: String, ClarifaiStatus)
    /// 404, or Clarifai 21200/11101: the user, app, model, version or evaluation does not exist.
    case notFound(endpoint: String, ClarifaiStatus)
    /// Any other refusal (4xx, 11102, 21202, ...).
    case rejected(endpoint: String, ClarifaiStatus)
    /// A 2xx reply that is not the JSON the RPC returns.
    case malformedResponse(endpoint: String, reason: String)

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
        case .unreachable, .interrupted, .serverFailure, .authenticationFailed, .permissionDenied:
            .unavailable
        case .notFound, .rejected, .malformedResponse:
            .rejected
        case .evaluationFailed, .timedOut:
            .evaluation
        case .cancelled:
            .cancelled
        }
    }

    /// Whether another attempt of the same request may succeed (network trouble, 5xx, 429, 10020).
    /// A request that is not idempotent (a Post) is not repeated after an `interrupted` exchange.
    func isTransient(idempotent: Bool) -> Bool {
        switch self {
        case .unreachable, .serverFailure: true
        case .interrupted: idempotent
        default: false
        }
    }

    /// The same error reporting `attempts` tries.
    func afterAttempts(_ attempts: Int) -> ClarifaiError {
        switch self {
        case .unreachable(let endpoint, let reason, _): .unreachable(endpoint: endpoint, reason: reason, attempts: attempts)
        case .interrupted(let endpoint, let reason, _): .interrupted(endpoint: endpoint, reason: reason, attempts: attempts)
        case .serverFailure(let endpoint, let status, _): .serverFailure(endpoint: endpoint, status, attempts: attempts)
        default: self
        }
    }
}
