import ZeroMQ

/// The coordinator's keys: its own pair (the CURVE server key of all three sockets) and who may
/// connect, by ZAP domain: `workers.allow` on the worker and data sockets, `clients.allow` on the
/// client socket.
public struct CoordinatorKeys: Sendable, Equatable {
    /// ZAP domain of the worker and data sockets.
    public static let workerDomain = "workers"
    /// ZAP domain of the client socket.
    public static let clientDomain = "clients"
    /// The User-Id the coordinator's own key gets on the client socket, so that `crossfold health`
    /// and `jobs` run on the coordinator's host with its folder alone. Whoever holds the
    /// coordinator's secret key can impersonate the coordinator already; this grants nothing more.
    public static let ownName = "coordinator"

    public let keyPair: CurveKeyPair
    public let workers: Allowlist
    public let clients: Allowlist

    public init(keyPair: CurveKeyPair, workers: Allowlist, clients: Allowlist) {
        self.keyPair = keyPair
        self.workers = workers
        self.clients = clients
    }

    /// Allowed keys and their User-Ids by ZAP domain, for `ZAPHandler.allowlist`. A key listed in
    /// one domain is refused in the other: a worker key cannot submit jobs, a client key cannot
    /// register as a worker or fetch datasets.
    public var zapPolicy: [String: [CurvePublicKey: String]] {
        var clientKeys = clients.namesByKey
        if clientKeys[keyPair.publicKey] == nil { clientKeys[keyPair.publicKey] = Self.ownName }
        return [Self.workerDomain: workers.namesByKey, Self.clientDomain: clientKeys]
    }
}

/// A worker's or client's keys: the coordinator's public key (to know it is talking to the real
/// coordinator) and its own pair (to prove who it is).
public struct PeerKeys: Sendable, Equatable {
    public let coordinator: CurvePublicKey
    public let keyPair: CurveKeyPair

    public init(coordinator: CurvePublicKey, keyPair: CurveKeyPair) {
        self.coordinator = coordinator
        self.keyPair = keyPair
    }
}

extension Socket {
    /// Makes this socket a CURVE client of the coordinator with `keys`; call before `connect`.
    /// - Throws: `ZeroMQError` from setting the options.
    func useCurve(_ keys: PeerKeys) throws(ZeroMQError) {
        try makeCurveClient(serverPublic: keys.coordinator, keys: keys.keyPair)
    }
}
