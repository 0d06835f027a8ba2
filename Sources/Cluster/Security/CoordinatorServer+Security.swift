import Logging
import ZeroMQ

extension CoordinatorServer {
    /// Binds the ZAP handler on the reactor (before any server socket, so no handshake can find it
    /// missing) with the keys' allowlists, logging each refusal.
    static func startAuthentication(_ loop: ReactorLoop, keys: CoordinatorKeys, logger: Logger) throws {
        let refusals = RefusalLog(logger: logger)
        let policy = ZAPHandler.allowlist(keys.zapPolicy)
        _ = try ZAPHandler(
            loop: loop,
            decide: { request in
                let decision = policy(request)
                switch decision {
                case .allow(let name):
                    logger.debug("authenticated a connection", metadata: [
                        "domain": "\(request.domain)", "address": "\(request.address)", "name": "\(name)",
                    ])
                case .deny(let reason):
                    refusals.record(
                        domain: request.domain, address: request.address,
                        credential: request.curvePublicKey?.z85 ?? request.mechanism, reason: reason)
                }
                return decision
            },
            onError: { error in
                logger.warning("dropped a malformed authentication request", metadata: ["error": "\(error)"])
            })
    }

    /// Makes `socket` a CURVE server in `domain` when keys are configured (before `bind`).
    static func secure(_ socket: Socket, keys: CoordinatorKeys?, domain: String) throws {
        guard let keys else { return }
        try socket.makeCurveServer(secret: keys.keyPair.secretKey, zapDomain: domain)
    }

    /// Says loudly that a coordinator without keys is open to anyone reaching a TCP port.
    static func warnIfOpen(_ endpoints: CoordinatorEndpoints, keys: CoordinatorKeys?, logger: Logger) {
        guard keys == nil else { return }
        let tcp = [endpoints.client, endpoints.worker, endpoints.data].filter { $0.hasPrefix("tcp://") }
        guard !tcp.isEmpty else { return }
        logger.warning(
            "no --keys: CURVE is off, so anyone who reaches these ports can submit jobs, read results and register as a worker; run `crossfold keys generate DIR` and start with --keys (docs/SECURITY.md)",
            metadata: ["endpoints": "\(tcp.joined(separator: " "))"])
    }
}
