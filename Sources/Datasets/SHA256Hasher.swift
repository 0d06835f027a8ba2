import CSodium

/// libsodium is initialised once per process, on first use; Swift runs a global's initialiser
/// exactly once even under concurrent first access. SHA-256 itself does not depend on what
/// `sodium_init` sets up (it only picks CPU-specific code and seeds the random generator), so a
/// failure there (-1) cannot make a hash wrong and is not fatal.
private let sodiumInitialised: Bool = sodium_init() >= 0

/// Streaming SHA-256 (libsodium's `crypto_hash_sha256_*`), for the content hash of a dataset and
/// for checking bytes received from a peer against it.
public struct SHA256Hasher: Sendable {
    private var state = crypto_hash_sha256_state()

    public init() {
        _ = sodiumInitialised
        crypto_hash_sha256_init(&state)
    }

    /// Adds bytes to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Adds bytes to the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything added, as 64 lowercase hex digits. The hasher is spent afterwards:
    /// start a new one for the next hash.
    public mutating func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        digest.withUnsafeMutableBufferPointer { buffer in
            // Cannot fail: the output buffer has the required 32 bytes (so a base address too).
            if let output = buffer.baseAddress { _ = crypto_hash_sha256_final(&state, output) }
        }
        return SHA256Hasher.hex(digest)
    }

    /// The SHA-256 of `bytes` as lowercase hex.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-256 of `bytes` as lowercase hex.
    public static func hash(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hash($0) }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
