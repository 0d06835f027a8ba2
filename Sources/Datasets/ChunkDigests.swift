/// The SHA-256 of every `chunkBytes` bytes of a dataset's canonical file (the last chunk shorter),
/// 32 bytes each, in order: what a fetcher checks each chunk against, whoever sent it
/// (docs/PROTOCOL.md, Peer distribution).
public enum ChunkDigests {
    public static let digestBytes = 32

    /// The digests of `bytes` cut into `chunkBytes` chunks.
    public static func compute(_ bytes: UnsafeRawBufferPointer, chunkBytes: Int) -> [UInt8] {
        precondition(chunkBytes > 0, "chunks have a size")
        var digests: [UInt8] = []
        digests.reserveCapacity((bytes.count + chunkBytes - 1) / chunkBytes * digestBytes)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkBytes)
            digests += SHA256Hasher.digest(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
        return digests
    }

    /// Whether `chunk` is chunk `index` of the dataset `digests` describe.
    public static func matches(_ chunk: UnsafeRawBufferPointer, index: Int, digests: [UInt8]) -> Bool {
        let start = index * digestBytes
        guard index >= 0, start + digestBytes <= digests.count else { return false }
        return SHA256Hasher.digest(chunk)[...] == digests[start..<(start + digestBytes)]
    }
}
