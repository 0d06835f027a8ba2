import Testing
import ZeroMQ

@Suite struct CurveKeyTests {
    @Test func generatedKeysAreZ85AndThePublicHalfDerivesFromTheSecret() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(pair.publicKey.bytes.count == 32)
        #expect(try CurveKeyPair.curvePublic(fromSecret: pair.secretKey) == pair.publicKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(try CurvePublicKey(bytes: pair.publicKey.bytes) == pair.publicKey)
        #expect(try CurveKeyPair.generate() != pair)
    }

    @Test func secretKeysNeverPrintThemselves() throws {
        let pair = try CurveKeyPair.generate()
        #expect(!"\(pair.secretKey)".contains(pair.secretKey.z85))
        #expect(!String(describing: pair).contains(pair.secretKey.z85))
    }

    @Test func z85MatchesRFC32TestVector() throws {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(try Z85.encode(bytes) == "HelloWorld")
        #expect(try Z85.decode("HelloWorld") == bytes)
        #expect(try Z85.encode([]) == "")
    }

    @Test func z85RejectsBadLengthsAndCharacters() {
        #expect(throws: ZeroMQError.self) { try Z85.encode([1, 2, 3]) }
        #expect(throws: ZeroMQError.self) { try Z85.decode("Hell") }
        #expect(throws: ZeroMQError.self) { try Z85.decode("Hell\"") }
        let error = #expect(throws: ZeroMQError.self) { try CurvePublicKey(z85: "short") }
        #expect(error?.detail?.contains("40 Z85 characters") == true)
        #expect(throws: ZeroMQError.self) { try CurveSecretKey(bytes: [1, 2]) }
    }
}

@Suite struct CurveAuthenticationTests {
    enum Observation: Sendable {
        case message(Message)
        case serverEvent(MonitorEvent)
        case asked(domain: String, key: CurvePublicKey?)
        case timedOut
    }

    /// Runs a CURVE ROUTER (domain `workers`) and a CURVE DEALER on one reactor; the dealer
    /// sends "hello" at once. Returns observations up to the first delivered message or
    /// server-side handshake failure.
    static func handshake(client: CurveKeyPair, allowed: CurveKeyPair, zapHandler: Bool) async throws -> [Observation] {
        let server = try CurveKeyPair.generate()
        let reactor = try Reactor()
        reactor.start()
        let (observations, continuation) = AsyncStream<Observation>.makeStream()
        try await reactor.run { loop in
            loop.schedule(after: Fixtures.patience) { continuation.yield(.timedOut) }
            if zapHandler {
                let policy = ZAPHandler.allowlist(["workers": [allowed.publicKey: "worker-1"]])
                _ = try ZAPHandler(loop: loop) { request in
                    continuation.yield(.asked(domain: request.domain, key: request.curvePublicKey))
                    return policy(request)
                }
            }
            let router = try loop.makeSocket(.router)
            try router.makeCurveServer(secret: server.secretKey, zapDomain: "workers")
            let events = try router.monitor([.handshakeSucceeded, .handshakeFailedAuth, .handshakeFailedNoDetail, .handshakeFailedProtocol])
            loop.register(events.socket) { _ in
                while let event = try? events.tryReceive() { continuation.yield(.serverEvent(event)) }
            }
            try router.bind("tcp://127.0.0.1:*")
            loop.register(router) { socket in
                while let message = try? socket.tryReceive(properties: [.userID, .peerAddress]) {
                    continuation.yield(.message(message))
                }
            }
            let dealer = try loop.makeSocket(.dealer)
            try dealer.makeCurveClient(serverPublic: server.publicKey, keys: client)
            try dealer.connect(try router.lastEndpoint)
            try dealer.send(["hello"])
        }
        var seen: [Observation] = []
        for await observation in observations {
            seen.append(observation)
            switch observation {
            case .message, .timedOut: break
            case .serverEvent(let event) where event.kind.isHandshakeFailure: break
            default: continue
            }
            break
        }
        await reactor.stop()
        return seen
    }

    @Test func allowlistedClientKeyConnectsAndMessagesCarryItsUserID() async throws {
        let client = try CurveKeyPair.generate()
        let seen = try await Self.handshake(client: client, allowed: client, zapHandler: true)
        guard case .message(let message)? = seen.last else {
            Issue.record("no message delivered: \(seen)")
            return
        }
        #expect(message.frames.dropFirst() == ["hello"])
        #expect(message.userID == "worker-1")
        #expect(message.peerAddress == "127.0.0.1")
        #expect(seen.contains { if case .asked("workers", client.publicKey) = $0 { true } else { false } })
        #expect(seen.contains { if case .serverEvent(let event) = $0 { event.kind == .handshakeSucceeded } else { false } })
    }

    @Test func unknownClientKeyIsRefusedAndNothingIsDelivered() async throws {
        let intruder = try CurveKeyPair.generate()
        let seen = try await Self.handshake(client: intruder, allowed: try CurveKeyPair.generate(), zapHandler: true)
        guard case .serverEvent(let failure)? = seen.last else {
            Issue.record("expected a handshake failure: \(seen)")
            return
        }
        #expect(failure.kind == .handshakeFailedAuth)
        #expect(failure.value == 400)
        #expect(seen.contains { if case .asked("workers", intruder.publicKey) = $0 { true } else { false } })
        #expect(!seen.contains { if case .message = $0 { true } else { false } })
    }

    @Test func enforcedDomainWithoutAZAPHandlerFailsEveryHandshake() async throws {
        let client = try CurveKeyPair.generate()
        let seen = try await Self.handshake(client: client, allowed: client, zapHandler: false)
        guard case .serverEvent(let failure)? = seen.last else {
            Issue.record("expected a handshake failure: \(seen)")
            return
        }
        #expect(failure.kind == .handshakeFailedNoDetail)
        #expect(!seen.contains { if case .message = $0 { true } else { false } })
    }
}

@Suite struct ZAPWithoutReactorTests {
    @Test func handlerPolledByHandAuthenticatesAClient() throws {
        let context = try Fixtures.context()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let zap = try ZAPHandler(context: context) { request in
            request.curvePublicKey == client.publicKey ? .allow(userID: "cli") : .deny(reason: "unknown")
        }
        let router = try Fixtures.socket(context, .router)
        try router.makeCurveServer(secret: server.secretKey, zapDomain: "admins")
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try Fixtures.socket(context, .dealer)
        try dealer.makeCurveClient(serverPublic: server.publicKey, keys: client)
        try dealer.connect(try router.lastEndpoint)
        try dealer.send(["status"])

        let clock = ContinuousClock()
        let deadline = clock.now + Fixtures.patience
        var answered = 0
        var received: Message?
        while received == nil && clock.now < deadline {
            let ready = try poll([.socket(zap.socket), .socket(router)], timeout: .milliseconds(100))
            if !ready[0].isEmpty { answered += try zap.answerPending() }
            if !ready[1].isEmpty { received = try router.tryReceive(properties: [.userID]) }
        }
        #expect(answered == 1)
        #expect(received?.userID == "cli")
        #expect(received?.frames.last == "status")
    }

    @Test func secondHandlerInOneContextIsRefused() throws {
        let context = try Fixtures.context()
        let first = try ZAPHandler(context: context) { _ in .deny(reason: "no") }
        let error = #expect(throws: ZeroMQError.self) { try ZAPHandler(context: context) { _ in .deny(reason: "no") } }
        #expect(error?.detail == ZAPHandler.endpoint)
        _ = first
    }
}

@Suite struct ZAPRequestTests {
    static func frames(mechanism: String, credentials: [Frame], domain: String = "workers") -> [Frame] {
        ["1.0", "7", Frame(domain), "10.0.0.5", "", Frame(mechanism)] + credentials
    }

    @Test func parsesACurveRequest() throws {
        let key = try CurveKeyPair.generate().publicKey
        let request = try ZAPRequest(frames: Self.frames(mechanism: "CURVE", credentials: [Frame(key.bytes)]))
        #expect(request.domain == "workers")
        #expect(request.address == "10.0.0.5")
        #expect(request.requestID == Array("7".utf8))
        #expect(request.curvePublicKey == key)
    }

    @Test func rejectsShortOrWrongVersionRequests() {
        #expect(throws: ZeroMQError.self) { try ZAPRequest(frames: ["1.0", "7"]) }
        #expect(throws: ZeroMQError.self) { try ZAPRequest(frames: ["2.0", "7", "d", "a", "", "NULL"]) }
    }

    @Test func allowlistChecksDomainKeyAndMechanism() throws {
        let worker = try CurveKeyPair.generate().publicKey
        let admin = try CurveKeyPair.generate().publicKey
        let decide = ZAPHandler.allowlist(["workers": [worker: "w1"], "admins": [admin: "alice"]])
        let asWorker = try ZAPRequest(frames: Self.frames(mechanism: "CURVE", credentials: [Frame(worker.bytes)]))
        #expect(decide(asWorker) == .allow(userID: "w1"))
        let workerAsAdmin = try ZAPRequest(frames: Self.frames(mechanism: "CURVE", credentials: [Frame(worker.bytes)], domain: "admins"))
        #expect(decide(workerAsAdmin) == .deny(reason: "key not allowed in domain admins"))
        let plain = try ZAPRequest(frames: Self.frames(mechanism: "NULL", credentials: []))
        #expect(decide(plain) == .deny(reason: "NULL is not accepted; use CURVE"))
    }
}
