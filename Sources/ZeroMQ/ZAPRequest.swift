#if canImport(Glibc)
import Glibc
#endif

/// A ZAP authentication request (RFC 27) as libzmq 4.3.4 sends it to the handler.
public struct ZAPRequest: Sendable, Hashable {
    /// The protocol version; only "1.0" exists.
    public let version: String
    /// Opaque id to echo in the reply.
    public let requestID: [UInt8]
    /// The server socket's `ZMQ_ZAP_DOMAIN`, e.g. `workers`.
    public let domain: String
    /// The client's IP address.
    public let address: String
    /// The client's routing id, as it claimed it (not an identity: anyone can claim any).
    public let routingID: [UInt8]
    /// The security mechanism: `NULL`, `PLAIN` or `CURVE`.
    public let mechanism: String
    /// The mechanism's credentials: for CURVE one frame, the client's 32-byte public key.
    public let credentials: [[UInt8]]

    /// Parses the request frames (after any ROUTER envelope and empty delimiter).
    /// - Throws: `ZeroMQError` `EPROTO` naming what is missing or wrong.
    public init(frames: [Frame]) throws(ZeroMQError) {
        guard frames.count >= 6 else {
            throw ZeroMQError(
                code: EPROTO, function: "ZAPRequest(frames:)",
                detail: "a ZAP request has at least 6 frames, got \(frames.count)")
        }
        version = String(decoding: frames[0].bytes, as: UTF8.self)
        guard version == "1.0" else {
            throw ZeroMQError(code: EPROTO, function: "ZAPRequest(frames:)", detail: "unsupported ZAP version \"\(version)\"")
        }
        requestID = frames[1].bytes
        domain = String(decoding: frames[2].bytes, as: UTF8.self)
        address = String(decoding: frames[3].bytes, as: UTF8.self)
        routingID = frames[4].bytes
        mechanism = String(decoding: frames[5].bytes, as: UTF8.self)
        credentials = frames.dropFirst(6).map(\.bytes)
    }

    /// The client's CURVE long-term public key, when the mechanism is CURVE.
    public var curvePublicKey: CurvePublicKey? {
        guard mechanism == "CURVE", credentials.count == 1 else { return nil }
        return try? CurvePublicKey(bytes: credentials[0])
    }
}

/// A ZAP handler's answer to one request.
public enum ZAPDecision: Sendable, Hashable {
    /// Let the client in; `userID` is what receivers read as `Message.userID`.
    case allow(userID: String)
    /// Refuse the handshake (ZAP status 400); `reason` goes back to the client's libzmq.
    case deny(reason: String)
}
