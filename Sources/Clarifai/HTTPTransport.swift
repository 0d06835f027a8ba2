import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one HTTP request and returns the reply. `URLSession` is the production transport; tests
/// run the same code over real HTTP against a fake server, and may wrap a session to observe it.
public protocol HTTPTransport: Sendable {
    /// The reply body and response, or a thrown `URLError` (or `CancellationError`) when there was
    /// no reply.
    func data(for request: URLRequest) async throws -> (Data, URLResponse)
}

extension URLSession: HTTPTransport {
    /// A session that keeps no cookies or cache, for the Clarifai client.
    public static func clarifai() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }

    public func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        try await data(for: request, delegate: nil)
    }
}
