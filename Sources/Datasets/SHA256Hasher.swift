import CCrypto

/// Streaming SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA extensions when it has them),
/// for the content hash of a dataset and for checking bytes received from a peer against it.
///
/// A value: copying a hasher copies its state, so a copy can be finished without disturbing the
/// original.
public struct SHA256Hasher: Sendable {
    private var context = SHA256_CTX()

    public init() {
        // Cannot fail: it only fills the struct with SHA-256's initial values.
        _ = crossfold_sha256_init(&context)
    }

    /// Adds bytes to the hash (an array, a slice, a buffer or any other collection of bytes).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        bytes.withContiguousBytes { update(raw: $0) }
    }

    /// Adds the bytes of a buffer.
    public mutating func update(raw bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = crossfold_sha256_update(&context, base, bytes.count)
    }

    /// The digest of everything added, as 64 lowercase hex digits. The hasher is spent afterwards:
    /// start a new one for the next hash.
    public mutating func finalize() -> String {
        SHA256Hasher.hex(finalizeDigest())
    }

    /// The digest of everything added, as its 32 bytes; the hasher is spent afterwards.
    public mutating func finalizeDigest() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        digest.withUnsafeMutableBufferPointer { buffer in
            // Cannot fail: the output buffer has the required 32 bytes (so a base address too).
            if let output = buffer.baseAddress { _ = crossfold_sha256_final(output, &context) }
        }
        return digest
    }

    /// The 32-byte SHA-256 of a buffer.
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(raw: bytes)
        return hasher.finalizeDigest()
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
