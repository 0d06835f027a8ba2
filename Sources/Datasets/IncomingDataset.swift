#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A canonical dataset arriving in chunks (an upload on the coordinator, a fetch on a worker):
/// each chunk is written to a file at its offset as it comes, and the bytes are hashed in order as
/// soon as they are contiguous, so when the last byte is in, the file is verified against the hash
/// it was asked for without a second pass. Chunks that arrive ahead of a gap are hashed once the
/// gap is filled, read back from the file (the page cache).
///
/// Given the dataset's chunk digests (`ChunkDigests`, from the coordinator), every chunk is checked
/// against its digest before it is written, whoever sent it, and the file is complete when every
/// chunk is in: no whole-file hash is needed, and chunks can come in any order from any peer.
///
/// The file is never read as a dataset before `finish` has checked its hash (or every chunk its
/// digest). Not thread-safe: one owner feeds it chunks in turn (a serial queue), off any event
/// loop, since writes block.
public final class IncomingDataset {
    /// Chunk digests and size, when chunks are checked one by one.
    public struct Chunks: Sendable {
        public let digests: [UInt8]
        public let chunkBytes: Int

        public init(digests: [UInt8], chunkBytes: Int) {
            self.digests = digests
            self.chunkBytes = chunkBytes
        }

        public var count: Int { digests.count / ChunkDigests.digestBytes }
    }

    /// The SHA-256 the bytes must have.
    public let hash: String
    public let size: Int
    /// Where the bytes are written.
    public let path: String
    /// What errors name ("upload 3f2a...", "dataset 3f2a...").
    public let name: String
    private let fd: Int32
    private var hasher = SHA256Hasher()
    /// Bytes hashed so far, contiguous from 0; nothing below this is written again.
    public private(set) var hashedBytes = 0
    /// Chunks written beyond `hashedBytes`, by offset: their lengths.
    private var pending: [Int: Int] = [:]
    private var readBack: UnsafeMutableRawBufferPointer?
    private var closed = false
    /// With chunk digests: which chunks are checked and written.
    public let chunks: Chunks?
    private var chunkWritten: [Bool]
    public private(set) var chunksWritten = 0

    /// Creates the file at `path` for `size` bytes that must hash to `hash`. With `unlinked`, the
    /// name is removed at once: the file lives as long as this object and the mappings of it, and
    /// nothing is left on disk whatever happens to the process (a spool without a state dir).
    /// - Throws: `DatasetError` `unwritable-file`.
    /// With `chunks`, each chunk is checked against its digest as it comes (see above); their
    /// count must fit `size`.
    public init(
        path: String, hash: String, size: Int, name: String, unlinked: Bool = false, chunks: Chunks? = nil
    ) throws(DatasetError) {
        if let chunks {
            precondition(chunks.chunkBytes > 0 && chunks.count == (size + chunks.chunkBytes - 1) / chunks.chunkBytes,
                         "one digest per chunk of the dataset")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CanonicalFileWriter.failure(name, "cannot create \(path)", errno) }
        if unlinked { unlink(path) }
        self.fd = fd
        self.hash = hash
        self.size = size
        self.path = path
        self.name = name
        self.chunks = chunks
        chunkWritten = [Bool](repeating: false, count: chunks?.count ?? 0)
    }

    deinit {
        readBack?.deallocate()
        if !closed { close(fd) }
    }

    /// Whether every byte is in and hashed (with chunk digests: every chunk checked and written).
    public var isComplete: Bool {
        if let chunks { return chunksWritten == chunks.count }
        return hashedBytes == size
    }

    /// Whether chunk `index` (with chunk digests) is checked and written, so it can be served.
    public func holdsChunk(_ index: Int) -> Bool {
        chunkWritten.indices.contains(index) && chunkWritten[index]
    }

    /// Writes a chunk at `offset`. A chunk inside what is already hashed is ignored (a duplicate).
    /// With chunk digests, `bytes` must be one whole chunk, and one that does not match its digest
    /// is refused unwritten.
    /// - Throws: `DatasetError` `malformed` (a chunk that is not the dataset's), `unwritable-file`
    ///   (a full disk: `ENOSPC`).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(DatasetError) {
        precondition(offset >= 0 && offset + bytes.count <= size, "a chunk outside the dataset")
        if let chunks {
            try writeChecked(bytes, at: offset, chunks: chunks)
            return
        }
        guard offset >= hashedBytes, !bytes.isEmpty else { return }
        try pwriteAll(bytes, at: offset)
        if offset == hashedBytes {
            hasher.update(raw: bytes)
            hashedBytes += bytes.count
            try catchUp()
        } else {
            pending[offset] = max(pending[offset] ?? 0, bytes.count)
        }
    }

    private func writeChecked(_ bytes: UnsafeRawBufferPointer, at offset: Int, chunks: Chunks) throws(DatasetError) {
        let index = offset / chunks.chunkBytes
        guard offset % chunks.chunkBytes == 0, bytes.count == min(chunks.chunkBytes, size - offset) else {
            throw DatasetError(.malformed, file: name, "\(bytes.count) bytes at \(offset) are not one of its \(chunks.chunkBytes)-byte chunks",
                               fix: "Fetch the chunk again.")
        }
        guard !chunkWritten[index] else { return }
        guard ChunkDigests.matches(bytes, index: index, digests: chunks.digests) else {
            throw DatasetError(.malformed, file: name, "chunk \(index) (bytes \(offset)..<\(offset + bytes.count)) does not match its digest",
                               fix: "Fetch the chunk again from another source.")
        }
        try pwriteAll(bytes, at: offset)
        chunkWritten[index] = true
        chunksWritten += 1
    }

    /// The bytes of chunk `index`, once it is checked and written (with chunk digests), for
    /// serving it to another worker; nil otherwise.
    public func readChunk(_ index: Int) -> [UInt8]? {
        guard let chunks, holdsChunk(index), !closed else { return nil }
        let offset = index * chunks.chunkBytes
        let length = min(chunks.chunkBytes, size - offset)
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        let ok = bytes.withUnsafeMutableBytes { buffer -> Bool in
            while done < length {
                let n = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        return ok ? bytes : nil
    }

    /// Writes a chunk held in an array.
    public func write(_ bytes: [UInt8], at offset: Int) throws(DatasetError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(DatasetError) in try write(raw, at: offset) } }
        try result.get()
    }

    /// Checks the hash of the complete file and maps it. With `durable`, the bytes are flushed to
    /// disk first (a coordinator's state dir), so the file can be renamed into a store and survive
    /// a power cut.
    /// - Throws: `DatasetError` `malformed` when bytes are missing or do not hash to `hash`
    ///   (the message gives the hash they have), `unwritable-file` when they cannot be flushed.
    public func finish(durable: Bool) throws(DatasetError) -> MappedFile {
        if let chunks {
            // Every chunk matched its digest as it was written; the digests are the hash's.
            guard isComplete else {
                throw DatasetError(.malformed, file: name, "only \(chunksWritten) of \(chunks.count) chunks arrived",
                                   fix: "Fetch it again.")
            }
            if durable, fsync(fd) != 0 { throw CanonicalFileWriter.failure(name, "cannot flush \(path) to disk", errno) }
            return try MappedFile(descriptor: fd, path: name)
        }
        guard isComplete else {
            throw DatasetError(.malformed, file: name, "only \(hashedBytes) of \(size) bytes arrived in order",
                               fix: "Upload or fetch it again.")
        }
        var copy = hasher
        let actual = copy.finalize()
        guard actual == hash else {
            throw DatasetError(.malformed, file: name, "the \(size) bytes received hash to \(actual), not \(hash)",
                               fix: "The transfer or the sender's copy is damaged: upload or fetch it again.")
        }
        if durable, fsync(fd) != 0 { throw CanonicalFileWriter.failure(name, "cannot flush \(path) to disk", errno) }
        return try MappedFile(descriptor: fd, path: name)
    }

    /// Gives the finished file the name `destination` (same file system), flushing it to disk first
    /// with `durable` (so the rename cannot outlive the bytes), and closes it. Mappings of it stay
    /// valid. The caller flushes the directory when the new name must survive a power cut.
    /// - Throws: `DatasetError` `unwritable-file`.
    public func keep(at destination: String, durable: Bool) throws(DatasetError) {
        precondition(!closed, "the file was discarded")
        if durable, fsync(fd) != 0 { throw CanonicalFileWriter.failure(name, "cannot flush \(path) to disk", errno) }
        guard rename(path, destination) == 0 else {
            throw CanonicalFileWriter.failure(name, "cannot move \(path) to \(destination)", errno)
        }
        closed = true
        close(fd)
    }

    /// Closes the file and removes its name (if it still has one): the transfer is abandoned.
    public func discard() {
        guard !closed else { return }
        closed = true
        close(fd)
        unlink(path)
    }

    /// Hashes the chunks that became contiguous, reading them back from the file.
    private func catchUp() throws(DatasetError) {
        while let length = pending.removeValue(forKey: hashedBytes) {
            let buffer = readBack ?? UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
            readBack = buffer
            var done = 0
            while done < length {
                let want = min(buffer.count, length - done)
                let n = pread(fd, buffer.baseAddress, want, off_t(hashedBytes))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw OpenFile.failure(name, "cannot read back \(path)", n < 0 ? errno : EIO) }
                hasher.update(raw: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<n]))
                hashedBytes += n
                done += n
            }
        }
        // A longer chunk written earlier at an offset now inside the hashed bytes cannot happen
        // with fixed-size chunks; drop any such leftovers so they are not hashed twice.
        pending = pending.filter { $0.key >= hashedBytes }
    }

    private func pwriteAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(DatasetError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CanonicalFileWriter.failure(name, "cannot write \(path)", errno)
            }
            done += n
        }
    }
}
