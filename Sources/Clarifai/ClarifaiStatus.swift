/// What Clarifai said when it refused a request: the HTTP status and the `status` body
/// (`code`, `description`, `details`, `req_id`), with any echo of the PAT already scrubbed.
public struct ClarifaiStatus: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code of the reply (0 when there was no HTTP reply).
    public var httpStatus: Int
    /// Clarifai's numeric status code (`status.code`), when the body carried one.
    public var code: Int?
    public var statusDescription: String?
    public var details: String?
    /// Clarifai's request id, worth quoting to Clarifai support.
    public var requestID: String?
    /// How long the reply's `Retry-After` header asked to wait (seconds or an HTTP-date), if it
    /// had one.
    public var retryAfter: Duration?

    public init(httpStatus: Int, code: Int? = nil, description: String? = nil, details: String? = nil,
                requestID: String? = nil) {
        self.httpStatus = httpStatus
        self.code = code
        self.statusDescription = description
        self.details = details
        self.requestID = requestID
    }

    /// "HTTP 404, Clarifai 21200 Model does not exist (details: ...; req_id ...)".
    public var description: String {
        var text = "HTTP \(httpStatus)"
        if let code { text += ", Clarifai \(code)" }
        if let statusDescription, !statusDescription.isEmpty { text += " \(statusDescription)" }
        var extras: [String] = []
        if let details, !details.isEmpty { extras.append("details: \(details)") }
        if let requestID, !requestID.isEmpty { extras.append("req_id \(requestID)") }
        if let retryAfter { extras.append("Retry-After \(ClarifaiError.seconds(retryAfter))") }
        if !extras.isEmpty { text += " (" + extras.joined(separator: "; ") + ")" }
        return text
    }
}
