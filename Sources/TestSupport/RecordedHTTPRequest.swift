import Foundation

/// One HTTP request as a test server received it.
public struct RecordedHTTPRequest: Sendable, Equatable {
    public var method: String
    /// The path, still percent-encoded, without the query.
    public var path: String
    /// The query parameters, percent-decoded (the last value wins for repeated names).
    public var query: [String: String]
    /// Header values by lower-cased name.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, path: String, query: [String: String], headers: [String: String], body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of header `name`, whatever its case.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body parsed as JSON, or nil when it is not JSON.
    public var jsonBody: Any? {
        try? JSONSerialization.jsonObject(with: body)
    }
}

/// A reply for a test server to send.
public struct HTTPReply: Sendable, Equatable {
    public var status: Int
    public var body: Data
    public var contentType: String
    /// Further header fields (Retry-After, say).
    public var headers: [String: String]

    public init(status: Int, body: Data, contentType: String = "application/json", headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.headers = headers
    }

    /// Not a reply: the server closes the connection without answering.
    public static let dropConnection = HTTPReply(status: 0, body: Data())

    /// The reason phrase for the status line.
    var reason: String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
