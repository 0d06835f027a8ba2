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

    /// Adds bytes to the hash (an array, a slice, a buffer or any other collection of bytes).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        bytes.withContiguousBytes { update(raw: $0) }
    }

    mutating func update(raw bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
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

    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func hash(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
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
