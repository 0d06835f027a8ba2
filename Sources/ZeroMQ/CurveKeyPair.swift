import CZeroMQ

/// A CURVE long-term key pair: the public half identifies a peer, the secret half proves it.
public struct CurveKeyPair: Sendable, Hashable {
    public let publicKey: CurvePublicKey
    public let secretKey: CurveSecretKey

    /// Pairs two keys as they are; use `init(secretKey:)` to derive the public half instead.
    public init(publicKey: CurvePublicKey, secretKey: CurveSecretKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The pair whose public key is derived from `secretKey`.
    /// - Throws: `ZeroMQError` as `curvePublic(fromSecret:)`.
    public init(secretKey: CurveSecretKey) throws(ZeroMQError) {
        self.init(publicKey: try CurveKeyPair.curvePublic(fromSecret: secretKey), secretKey: secretKey)
    }

    /// A fresh random key pair from libsodium (`zmq_curve_keypair`).
    ///
    /// libzmq#4241: on systems without `getrandom` this may close libsodium's random source
    /// under a live context; run key generation in its own process where that matters.
    /// - Throws: `ZeroMQError` `ENOTSUP` when libzmq was built without CURVE.
    public static func generate() throws(ZeroMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: CurveKeyText.characterCount + 1)
        var secretText = [CChar](repeating: 0, count: CurveKeyText.characterCount + 1)
        try LibZMQ.call("zmq_curve_keypair") { zmq_curve_keypair(&publicText, &secretText) }
        return CurveKeyPair(
            publicKey: try CurvePublicKey(z85: LibZMQ.string(publicText)),
            secretKey: try CurveSecretKey(z85: LibZMQ.string(secretText)))
    }

    /// The public key belonging to `secret` (`zmq_curve_public`).
    /// - Throws: `ZeroMQError` `ENOTSUP` when libzmq was built without CURVE.
    public static func curvePublic(fromSecret secret: CurveSecretKey) throws(ZeroMQError) -> CurvePublicKey {
        var publicText = [CChar](repeating: 0, count: CurveKeyText.characterCount + 1)
        try LibZMQ.call("zmq_curve_public") { secret.z85.withCString { zmq_curve_public(&publicText, $0) } }
        return try CurvePublicKey(z85: LibZMQ.string(publicText))
    }
}
