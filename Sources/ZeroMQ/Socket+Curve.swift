#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// Makes this socket a CURVE server that authenticates every client through ZAP,
    /// fail-closed: with `zapEnforceDomain` on, a handshake fails unless a `ZAPHandler` in the
    /// same context allows it, and also when no handler is bound at all (libzmq 4.3.4 would
    /// otherwise let any client key in). Call before `bind`.
    /// - Parameter zapDomain: the domain the handler sees, to apply a per-socket allowlist.
    /// - Throws: `ZeroMQError` from setting the options (e.g. `EINVAL` for an empty domain).
    public func makeCurveServer(secret: CurveSecretKey, zapDomain: String) throws(ZeroMQError) {
        guard !zapDomain.isEmpty else {
            throw ZeroMQError(
                code: EINVAL, function: "Socket.makeCurveServer",
                detail: "an empty ZAP domain turns authentication off; name the domain, e.g. \"workers\"")
        }
        try set(.curveServer, true)
        try set(.curveSecretKey, secret)
        try set(.zapDomain, zapDomain)
        try set(.zapEnforceDomain, true)
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverPublic`,
    /// proving its own identity with `publicKey`/`secretKey`. Call before `connect`.
    /// - Throws: `ZeroMQError` from setting the options.
    public func makeCurveClient(
        serverPublic: CurvePublicKey, public publicKey: CurvePublicKey, secret secretKey: CurveSecretKey
    ) throws(ZeroMQError) {
        try set(.curveServerKey, serverPublic)
        try set(.curvePublicKey, publicKey)
        try set(.curveSecretKey, secretKey)
    }

    /// `makeCurveClient(serverPublic:public:secret:)` with the client's key pair.
    public func makeCurveClient(serverPublic: CurvePublicKey, keys: CurveKeyPair) throws(ZeroMQError) {
        try makeCurveClient(serverPublic: serverPublic, public: keys.publicKey, secret: keys.secretKey)
    }
}
