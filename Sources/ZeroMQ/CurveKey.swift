#if canImport(Glibc)
import Glibc
#endif

/// The shared validation of CURVE keys: 32 raw bytes, held as 40 characters of Z85.
enum CurveKeyText {
    static let byteCount = 32
    static let characterCount = 40

    /// Checks `z85` decodes to exactly 32 bytes; `kind` names the key in the error.
    static func validated(_ z85: String, kind: String) throws(ZeroMQError) -> String {
        guard z85.utf8.count == characterCount else {
            throw ZeroMQError(
                code: EINVAL, function: "\(kind)(z85:)",
                detail: "a CURVE key is \(characterCount) Z85 characters, got \(z85.utf8.count); copy the whole key")
        }
        do {
            _ = try Z85.decode(z85)
        } catch {
            throw error.with(detail: "\(kind) is not valid Z85: \(error.detail ?? error.reason)")
        }
        return z85
    }

    /// Encodes 32 raw bytes; `kind` names the key in the error.
    static func encoded(_ bytes: [UInt8], kind: String) throws(ZeroMQError) -> String {
        guard bytes.count == byteCount else {
            throw ZeroMQError(
                code: EINVAL, function: "\(kind)(bytes:)",
                detail: "a CURVE key is \(byteCount) bytes, got \(bytes.count)")
        }
        return try Z85.encode(bytes)
    }
}

/// A CURVE public key (32 bytes, kept as 40 Z85 characters). Safe to log and share.
public struct CurvePublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as 40 Z85 characters, the form `ZMQ_CURVE_PUBLICKEY`/`SERVERKEY` take.
    public let z85: String

    /// A key from its Z85 text.
    /// - Throws: `ZeroMQError` `EINVAL` unless `z85` is 40 valid Z85 characters.
    public init(z85: String) throws(ZeroMQError) {
        self.z85 = try CurveKeyText.validated(z85, kind: "CurvePublicKey")
    }

    /// A key from its 32 raw bytes (the form a ZAP request carries).
    /// - Throws: `ZeroMQError` `EINVAL` unless `bytes` has 32 elements.
    public init(bytes: [UInt8]) throws(ZeroMQError) {
        z85 = try CurveKeyText.encoded(bytes, kind: "CurvePublicKey")
    }

    /// The 32 raw bytes.
    public var bytes: [UInt8] {
        // `z85` was validated in init, so decoding cannot fail.
        (try? Z85.decode(z85)) ?? []
    }

    public var description: String { z85 }
}

/// A CURVE secret key (32 bytes, kept as 40 Z85 characters). Its description is redacted so
/// it cannot leak through logs or error messages; read `z85` explicitly to store it.
public struct CurveSecretKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as 40 Z85 characters, the form `ZMQ_CURVE_SECRETKEY` takes.
    public let z85: String

    /// A key from its Z85 text.
    /// - Throws: `ZeroMQError` `EINVAL` unless `z85` is 40 valid Z85 characters.
    public init(z85: String) throws(ZeroMQError) {
        self.z85 = try CurveKeyText.validated(z85, kind: "CurveSecretKey")
    }

    /// A key from its 32 raw bytes.
    /// - Throws: `ZeroMQError` `EINVAL` unless `bytes` has 32 elements.
    public init(bytes: [UInt8]) throws(ZeroMQError) {
        z85 = try CurveKeyText.encoded(bytes, kind: "CurveSecretKey")
    }

    /// The 32 raw bytes.
    public var bytes: [UInt8] {
        // `z85` was validated in init, so decoding cannot fail.
        (try? Z85.decode(z85)) ?? []
    }

    public var description: String { "CurveSecretKey(redacted)" }
}
