import Evaluation
import Foundation
import Synchronization

/// A fake Clarifai REST API on 127.0.0.1 for tests: real HTTP/1.1 on an ephemeral port.
///
/// It checks `Authorization: Key <pat>` (401 with Clarifai 11008 otherwise, echoing the rejected
/// key as some services do), the `/v2/users/{user}/apps/{app}/...` paths and the Post bodies
/// (strictly: unknown keys refused), records every request, walks each evaluation through
/// ``FakeClarifaiScenario/statusWalk`` over successive Gets, and serves
/// ``FakeClassifierResults`` once evaluated: the summary always, the heavy parts only when the
/// `fields.*` query asks for them.
///
/// For CLI tests: start one, put ``environment`` into the child's environment (it sets
/// CLARIFAI_API_BASE to ``baseURL``), run the command, read ``requests``.
public final class FakeClarifaiServer: Sendable {
    public let pat: String
    public let userID: String
    public let appID: String
    public let modelID: String
    public let modelVersionID: String
    /// `http://127.0.0.1:<port>`: where it serves, or after `stopRefusingConnections()` a port that
    /// refuses every connection.
    public var baseURL: URL { address.withLock { $0 } }
    private let address: Mutex<URL>
    /// The refusing port, once stopped that way.
    private let refusing = Mutex<CLIUnusedPort?>(nil)

    private let state: FakeClarifaiState
    private let http: LoopbackHTTPServer

    /// Starts serving at once.
    ///
    /// - Throws: `LoopbackServerError` when the socket cannot be bound.
    public init(
        pat: String = "fake-pat-0123456789abcdef0123456789abcdef", userID: String = "fake-user",
        appID: String = "fake-app", modelID: String = "fake-model", modelVersionID: String = "fake-version",
        scenario: FakeClarifaiScenario = .success
    ) throws(LoopbackServerError) {
        self.pat = pat
        self.userID = userID
        self.appID = appID
        self.modelID = modelID
        self.modelVersionID = modelVersionID
        let state = FakeClarifaiState(service: FakeClarifaiService(
            pat: pat, userID: userID, appID: appID, modelID: modelID, modelVersionID: modelVersionID, scenario: scenario
        ))
        self.state = state
        self.http = try LoopbackHTTPServer { request in state.handle(request) }
        self.address = Mutex(URL(string: "http://127.0.0.1:\(http.port)")!)
    }

    /// The port it listens on.
    public var port: Int { http.port }

    /// How it behaves from the next request on.
    public var scenario: FakeClarifaiScenario {
        get { state.service.withLock { $0.scenario } }
        set { state.service.withLock { $0.scenario = newValue } }
    }

    /// Every request received so far, in order (rejected ones included).
    public var requests: [RecordedHTTPRequest] { state.requests.withLock { $0 } }

    /// The ids of the evaluations it holds, oldest first.
    public var evaluationIDs: [String] { state.service.withLock { $0.evaluations.map(\.id) } }

    /// Adds an evaluation of the model version (`inApp: false`) or of the app, as if posted
    /// earlier, showing `status` for ever.
    public func addEvaluation(id: String, status: EvalStatus = FakeClarifaiScenario.evaluated, inApp: Bool = false) {
        state.service.withLock { $0.add(id: id, status: status, origin: inApp ? .app : .modelVersion) }
    }

    /// CLARIFAI_* variables pointing a client at this server (with CLARIFAI_PAT when `includingPAT`).
    public func environment(includingPAT: Bool = true) -> [String: String] {
        var environment = [
            "CLARIFAI_API_BASE": baseURL.absoluteString, "CLARIFAI_USER_ID": userID, "CLARIFAI_APP_ID": appID,
            "CLARIFAI_MODEL_ID": modelID, "CLARIFAI_MODEL_VERSION_ID": modelVersionID,
        ]
        if includingPAT { environment["CLARIFAI_PAT"] = pat }
        return environment
    }

    /// Stops serving and waits for its threads (also done when the server is released).
    public func stop() {
        http.stop()
    }

    /// Stops serving and moves `baseURL` to a loopback port that refuses every connection
    /// (`CLIUnusedPort`), held until the server is released: a stopped server's own port could go to
    /// a server of a test running beside, which would then answer this test's requests.
    public func stopRefusingConnections() throws(LoopbackServerError) {
        http.stop()
        let port = try CLIUnusedPort()
        refusing.withLock { $0 = port }
        address.withLock { $0 = URL(string: "http://127.0.0.1:\(port.port)")! }
    }
}

/// The state the HTTP threads share: the service and the request log, each behind a lock.
private final class FakeClarifaiState: Sendable {
    let service: Mutex<FakeClarifaiService>
    let requests = Mutex<[RecordedHTTPRequest]>([])

    init(service: FakeClarifaiService) {
        self.service = Mutex(service)
    }

    func handle(_ request: RecordedHTTPRequest) -> HTTPReply {
        requests.withLock { $0.append(request) }
        return service.withLock { $0.handle(request) }
    }
}
