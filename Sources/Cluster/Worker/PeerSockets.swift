import Logging
import Synchronization
import Wire
import ZeroMQ

/// The worker's sockets to other workers (docs/PROTOCOL.md, Peer distribution): its own data port,
/// a ROUTER that serves chunks, and one DEALER per peer it fetches from.
///
/// `@unchecked Sendable`: created before the reactor runs; its sockets are only created, used and
/// closed inside closures the reactor runs on its own thread (docs/ARCHITECTURE.md, Processes,
/// threads and sockets). `admitted` is shared with the ZAP handler, behind its lock.
final class PeerSockets: @unchecked Sendable {
    private(set) var server: Socket?
    private var dealers: [String: Socket] = [:]
    let keys: PeerKeys?
    let logger: Logger
    /// With CURVE: the worker keys (Z85) the data port admits, from the coordinator's ADMIT.
    let admitted = AdmittedKeys()

    init(keys: PeerKeys?, logger: Logger) {
        self.keys = keys
        self.logger = logger
    }

    /// Binds the data port at `endpoint` (`tcp://*:*` picks a free port) and returns the endpoint
    /// libzmq bound. With keys, the port is a CURVE server with this worker's key pair, admitting
    /// only the keys the coordinator sent (none before its ADMIT).
    func bind(_ loop: ReactorLoop, endpoint: String, handle: @escaping (WorkerInput) -> Void) throws -> String {
        let socket = try loop.makeSocket(.router)
        if let keys {
            let admitted = self.admitted
            let logger = self.logger
            _ = try ZAPHandler(loop: loop, decide: { request in
                guard let key = request.curvePublicKey else { return .deny(reason: "\(request.mechanism) is not accepted; use CURVE") }
                guard admitted.contains(key.z85) else {
                    logger.warning("refused a peer whose key the coordinator does not admit", metadata: [
                        "address": "\(request.address)", "key": "\(key.z85)",
                    ])
                    return .deny(reason: "key not admitted by the coordinator")
                }
                return .allow(userID: "peer")
            })
            try socket.makeCurveServer(secret: keys.keyPair.secretKey, zapDomain: "peers")
        }
        try socket.set(.routerMandatory, true)
        try socket.set(.linger, .zero)
        try socket.set(.maxMessageSize, SocketLimits.controlMaxMessage)
        try socket.set(.handshakeInterval, SocketLimits.handshake)
        try socket.set(.sendHighWaterMark, 64)
        try socket.bind(endpoint)
        server = socket
        let logger = self.logger
        loop.register(socket) { socket in
            for _ in 0..<64 {
                guard let message = try? socket.tryReceive(), message.count >= 2 else { return }
                let requester = PeerRequester(message.frames[0].bytes)
                do throws(WireError) {
                    guard case .fetch(let request) = try DataRequest.decode(message.frames.dropFirst().map(\.bytes)) else {
                        throw WireError(.unknownCommand, "a worker's data port serves FETCH only")
                    }
                    handle(.peerRequest(requester, request))
                } catch {
                    logger.warning("dropped a malformed request on the data port", metadata: ["error": "\(error)"])
                }
            }
        }
        return try socket.lastEndpoint
    }

    /// Opens a DEALER to the peer at `endpoint`; its replies are fed back as `.peerData`. Requests
    /// queue until the connection is up (no IMMEDIATE): one that never comes up costs the fetch
    /// the requests' timeouts.
    func connect(_ loop: ReactorLoop, endpoint: String, publicKey: String?, handle: @escaping (WorkerInput) -> Void) {
        guard dealers[endpoint] == nil else { return }
        do {
            let socket = try loop.makeSocket(.dealer)
            if let keys {
                guard let publicKey else {
                    logger.warning("a peer has no key; not connecting to it", metadata: ["peer": "\(endpoint)"])
                    return
                }
                try socket.makeCurveClient(serverPublic: try CurvePublicKey(z85: publicKey), keys: keys.keyPair)
            }
            try socket.set(.linger, .zero)
            try socket.set(.maxMessageSize, SocketLimits.dataMaxMessage)
            try socket.set(.handshakeInterval, SocketLimits.handshake)
            try socket.set(.reconnectInterval, .seconds(1))
            try socket.connect(endpoint)
            dealers[endpoint] = socket
            let logger = self.logger
            loop.register(socket) { socket in
                WorkerSockets.drain(socket) { frames in
                    do throws(WireError) {
                        handle(.peerData(endpoint, try DataReply.decode(frames)))
                    } catch {
                        logger.warning("dropped a malformed reply from a peer", metadata: [
                            "peer": "\(endpoint)", "error": "\(error)",
                        ])
                    }
                }
            }
        } catch {
            logger.warning("cannot connect to a peer", metadata: ["peer": "\(endpoint)", "error": "\(error)"])
        }
    }

    func close(_ loop: ReactorLoop, endpoint: String) {
        if let socket = dealers.removeValue(forKey: endpoint) { loop.close(socket) }
    }

    /// Sends a FETCH to a peer; false when there is no connection or it cannot take it.
    func send(_ request: FetchRequest, to endpoint: String) -> Bool {
        guard let socket = dealers[endpoint] else { return false }
        do {
            return try socket.trySend(request.envelope.frames.map { Frame($0) })
        } catch {
            logger.debug("send to a peer failed", metadata: ["peer": "\(endpoint)", "error": "\(error)"])
            return false
        }
    }

    /// Sends a reply to a worker this one serves (dropped if it is gone or its pipe is full: it
    /// asks again elsewhere when its request times out).
    func reply(_ frames: [Frame], to requester: PeerRequester) {
        guard let server else { return }
        do {
            _ = try server.trySend([Frame(requester.bytes)] + frames)
        } catch {
            logger.debug("reply to a peer failed", metadata: ["error": "\(error)"])
        }
    }

    func closeAll(_ loop: ReactorLoop) {
        for socket in dealers.values { loop.close(socket) }
        dealers = [:]
        if let server { loop.close(server) }
        server = nil
    }
}

/// The worker keys a worker's data port admits, set from the coordinator's ADMIT and read by the
/// ZAP handler on the reactor thread.
final class AdmittedKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    func replace(with keys: [String]) {
        self.keys.withLock { $0 = Set(keys) }
    }

    func contains(_ key: String) -> Bool {
        keys.withLock { $0.contains(key) }
    }
}
