import Evaluation
import Foundation
import JSON
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ClarifaiClient {
    /// One HTTP exchange: builds the request, sends it, and decodes a successful reply.
    ///
    /// - Throws: `ClarifaiError` `.unreachable` / `.interrupted` (no reply), `.cancelled`, the
    ///   status errors of ``ClarifaiClient/classify(httpStatus:status:endpoint:)``, or
    ///   `.malformedResponse` when a success reply does not decode as `Reply`.
    func send<Reply: Decodable>(
        _ method: String, _ path: [String], _ rpc: String, query: [URLQueryItem] = [],
        body: (any Encodable)? = nil
    ) async throws(ClarifaiError) -> Reply {
        try await exchange(method, path, rpc, query: query, body: body).reply
    }

    /// ``send(_:_:_:query:body:)`` that also returns the reply body as received (with the PAT
    /// scrubbed, should a server ever echo it in a success reply).
    func exchange<Reply: Decodable>(
        _ method: String, _ path: [String], _ rpc: String, query: [URLQueryItem] = [],
        body: (any Encodable)? = nil
    ) async throws(ClarifaiError) -> (reply: Reply, body: Data) {
        let endpoint = endpoint(method, path)
        let request = try makeRequest(method, path, query: query, body: body, endpoint: endpoint)
        if Task.isCancelled { throw .cancelled }
        let started = ContinuousClock.now
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await transport.data(for: request)
        } catch {
            throw Self.transportError(error, endpoint: endpoint)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .malformedResponse(endpoint: endpoint, reason: "the reply is not HTTP")
        }
        let elapsed = ContinuousClock.now - started
        logger.trace("Clarifai exchange", metadata: [
            "rpc": "\(rpc)", "method": "\(method)", "path": "\(endpoint.dropFirst(method.count + 1))",
            "http_status": "\(http.statusCode)", "bytes": "\(data.count)",
            "milliseconds": "\(Int((elapsed / .milliseconds(1)).rounded()))",
        ])
        let status = (try? ProtoJSONDecoder().decode(StatusEnvelope.self, from: data))?.status
        let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap { RetryAfter.parse($0, now: Date()) }
        if let failure = classify(httpStatus: http.statusCode, status: status, body: data, endpoint: endpoint,
                                  retryAfter: retryAfter) {
            throw failure
        }
        do {
            return (try ProtoJSONDecoder().decode(Reply.self, from: data), configuration.pat.scrub(data))
        } catch {
            throw .malformedResponse(endpoint: endpoint, reason: configuration.pat.scrub(Self.describe(error)))
        }
    }

    private func makeRequest(
        _ method: String, _ path: [String], query: [URLQueryItem], body: (any Encodable)?, endpoint: String
    ) throws(ClarifaiError) -> URLRequest {
        guard var components = URLComponents(url: configuration.apiBase, resolvingAgainstBaseURL: false) else {
            throw .invalidSetting(.apiBase, value: configuration.apiBase.absoluteString, reason: "not a URL")
        }
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))
        let encoded = path.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }
        components.percentEncodedPath = components.percentEncodedPath + "/" + encoded.joined(separator: "/")
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.url else {
            throw .invalidSetting(.apiBase, value: configuration.apiBase.absoluteString, reason: "cannot append \(endpoint)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = Double(requestTimeout.components.seconds)
            + Double(requestTimeout.components.attoseconds) / 1e18
        request.setValue(configuration.pat.authorizationHeaderValue, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                request.httpBody = try encoder.encode(body)
            } catch {
                throw .malformedResponse(endpoint: endpoint, reason: "cannot encode the request: \(error)")
            }
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return request
    }

    /// The error a reply stands for, or nil for success (2xx with no status or status 10000).
    ///
    /// Clarifai documents no HTTP mapping, so the Clarifai code decides first and the HTTP status
    /// second: 11001/11002/11008/11009/401 authentication, 11003-11006/429 throttled (retried),
    /// 11007/21201/403 permission, 21200/11101/404 not found, 21302 not evaluated, 10020/10030/5xx
    /// server failure (retried, a Post looked up instead), anything else rejected. `retryAfter` is
    /// the reply's Retry-After, kept for the retry.
    func classify(
        httpStatus: Int, status: WireStatus?, body: Data, endpoint: String, retryAfter: Duration? = nil
    ) -> ClarifaiError? {
        let code = status?.code
        if (200..<300).contains(httpStatus), code == nil || code == 10000 { return nil }
        let pat = configuration.pat
        var description = status?.description.map(pat.scrub)
        if status == nil {
            // Not a Clarifai body (a proxy's HTML page, say): keep a short, scrubbed excerpt.
            let excerpt = String(decoding: body.prefix(200), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            description = excerpt.isEmpty ? nil : pat.scrub(excerpt)
        }
        var report = ClarifaiStatus(httpStatus: httpStatus, code: code, description: description,
                                    details: status?.details.map(pat.scrub), requestID: status?.reqID)
        report.retryAfter = retryAfter
        switch code {
        case 11001, 11002, 11008, 11009: return .authenticationFailed(endpoint: endpoint, report, patSource: pat.source)
        case 11003, 11004, 11005, 11006: return .throttled(endpoint: endpoint, report, attempts: 1)
        case 11007, 21201: return .permissionDenied(endpoint: endpoint, report)
        case 21200, 11101: return .notFound(endpoint: endpoint, report)
        case EvalStatus.notEvaluated: return .notEvaluated(endpoint: endpoint, report)
        case 10020, 10030: return .serverFailure(endpoint: endpoint, report, attempts: 1)
        default: break
        }
        switch httpStatus {
        case 401: return .authenticationFailed(endpoint: endpoint, report, patSource: pat.source)
        case 403: return .permissionDenied(endpoint: endpoint, report)
        case 404: return .notFound(endpoint: endpoint, report)
        case 429: return .throttled(endpoint: endpoint, report, attempts: 1)
        case 500...599: return .serverFailure(endpoint: endpoint, report, attempts: 1)
        default: return .rejected(endpoint: endpoint, report)
        }
    }

    /// A transport failure as a typed error: `unreachable` when the request cannot have left
    /// (no connection), `interrupted` when it may have reached Clarifai.
    static func transportError(_ error: any Error, endpoint: String) -> ClarifaiError {
        if error is CancellationError { return .cancelled }
        guard let urlError = error as? URLError else {
            return .interrupted(endpoint: endpoint, reason: describe(error), attempts: 1)
        }
        let reason = "\(urlError.code.name): \(urlError.localizedDescription)"
        switch urlError.code {
        case .cancelled:
            return .cancelled
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .unsupportedURL, .badURL:
            return .unreachable(endpoint: endpoint, reason: reason, attempts: 1)
        default:
            return .interrupted(endpoint: endpoint, reason: reason, attempts: 1)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

extension URLError.Code {
    /// A readable name for the codes a client meets, the number otherwise.
    var name: String {
        switch self {
        case .cannotFindHost: "cannot find host"
        case .cannotConnectToHost: "cannot connect to host"
        case .dnsLookupFailed: "DNS lookup failed"
        case .notConnectedToInternet: "not connected"
        case .timedOut: "timed out"
        case .networkConnectionLost: "connection lost"
        case .badServerResponse: "bad server response"
        case .secureConnectionFailed: "TLS failed"
        default: "URLError \(rawValue)"
        }
    }
}
