/// One scripted failure reply of a ``FakeClarifaiServer`` (see ``FakeClarifaiScenario/failures``).
public struct FakeClarifaiFailure: Sendable, Equatable {
    /// The HTTP status; 0 closes the connection without a reply.
    public var httpStatus: Int
    /// Clarifai's `status.code` in the body.
    public var code: Int
    public var description: String
    /// The `Retry-After` header, when set.
    public var retryAfter: String?
    /// Serve the request first (a Post creates its evaluation), then answer with the failure: the
    /// reply that hides a success.
    public var afterServing: Bool

    public init(httpStatus: Int, code: Int, description: String = "Failure", retryAfter: String? = nil,
                afterServing: Bool = false) {
        self.httpStatus = httpStatus
        self.code = code
        self.description = description
        self.retryAfter = retryAfter
        self.afterServing = afterServing
    }

    /// Clarifai 11005 "Making too many requests" under `httpStatus`.
    public static func throttled(httpStatus: Int = 429, code: Int = 11005, retryAfter: String? = nil) -> FakeClarifaiFailure {
        FakeClarifaiFailure(httpStatus: httpStatus, code: code, description: "Making too many requests", retryAfter: retryAfter)
    }

    /// HTTP 500 with Clarifai 10020, after serving the request when `afterServing`.
    public static func serverError(afterServing: Bool = false) -> FakeClarifaiFailure {
        FakeClarifaiFailure(httpStatus: 500, code: 10020, description: "Failure", afterServing: afterServing)
    }

    /// The connection closed without a reply, after serving the request when `afterServing`.
    public static func lostReply(afterServing: Bool) -> FakeClarifaiFailure {
        FakeClarifaiFailure(httpStatus: 0, code: 0, afterServing: afterServing)
    }
}
