import Clarifai
import Foundation
import Logging
import TestSupport

/// A configuration pointing at `server`, with its PAT (or `pat`).
func configuration(for server: FakeClarifaiServer, pat: String? = nil, datasetID: String? = nil) throws -> ClarifaiConfiguration {
    ClarifaiConfiguration(
        pat: try PersonalAccessToken(pat ?? server.pat, source: "test"), userID: server.userID, appID: server.appID,
        modelID: server.modelID, modelVersionID: server.modelVersionID, datasetID: datasetID, apiBase: server.baseURL
    )
}

/// A remote evaluation against `server` on a virtual clock.
func remoteEvaluation(
    _ server: FakeClarifaiServer, clock: VirtualClock = VirtualClock(), pat: String? = nil, datasetID: String? = nil,
    logger: Logger, policy: RemotePolicy = RemotePolicy()
) throws -> RemoteEvaluation<VirtualClock> {
    let client = ClarifaiClient(configuration: try configuration(for: server, pat: pat, datasetID: datasetID),
                                requestTimeout: .seconds(10), logger: logger)
    return RemoteEvaluation(client: client, clock: clock, policy: policy, logger: logger)
}

/// Runs `body` and returns the `ClarifaiError` it throws, or nil when it returns.
func clarifaiError<T>(_ body: () async throws(ClarifaiError) -> T) async -> ClarifaiError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// The JSON object of a recorded request body.
func jsonObject(_ request: RecordedHTTPRequest) -> NSDictionary? {
    request.jsonBody as? NSDictionary
}

/// A fresh directory under the temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("clarifai-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Waits (polling every 10 ms, at most `timeout`) until `condition` holds; false when it never did.
func eventually(timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}
