#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a canonical dataset file front to back through a 4 MiB buffer: the header, the features
/// as a reader produces them (it is a `FeatureSink`), then the labels and strings. Memory stays
/// the buffer's whatever the dataset's size.
///
/// The content hash is computed while writing when the header is known before the features (an
/// NPY matrix, whose side files give the labels and ids first; a synthetic dataset); otherwise
/// (CSV, JSONL, where the row count and concepts are known only at the end, and the header is the
/// first thing hashed) it is computed by reading the file back once, from the page cache.
///
/// The file is written at `path` (a temporary name: the caller renames it into place, or maps it
/// and unlinks it). Not thread-safe; blocking.
public final class CanonicalFileWriter: FeatureSink {
    public let path: String
    /// The file errors name: the one the user asked for, which `path` is a temporary name of.
    public let name: String
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    /// File offset of the first buffered byte.
    private var flushedBytes = 0
    private var hasher: SHA256Hasher?
    private let expected: CanonicalHeader?
    private var finished = false
    public private(set) var count = 0

    static let bufferBytes = 4 << 20

    /// Creates (or truncates) the file at `path`. With `header`, the dataset's sizes are known
    /// now: the header is written first and every byte is hashed as it is written; `finish`
    /// checks that what was written matches it.
    /// - Throws: `DatasetError` `unwritable-file`.
    /// - Parameter name: the file to name in errors (by default `path`).
    public init(path: String, name: String? = nil, header: CanonicalHeader? = nil) throws(DatasetError) {
        let name = name ?? path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Self.failure(name, path == name ? "cannot create the file" : "cannot create a temporary file beside it", errno)
        }
        self.path = path
        self.name = name
        self.fd = fd
        buffer = .allocate(byteCount: Self.bufferBytes, alignment: 64)
        expected = header
        if let header {
            hasher = SHA256Hasher()
            try write(raw: header.bytes)
        } else {
            // A placeholder: the real header is written once the sizes are known.
            try write(raw: [UInt8](repeating: 0, count: CanonicalDataset.headerLength))
        }
    }

    deinit {
        buffer.deallocate()
        close(fd)
    }

    public func append(_ value: Float) throws(DatasetError) {
        if buffered + 4 > buffer.count { try flush() }
        buffer.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: buffered, as: UInt32.self)
        buffered += 4
        count += 1
    }

    /// The file is written as the values come; nothing to reserve.
    public func reserveCapacity(_ capacity: Int) {}

    public func append(contentsOf values: UnsafeBufferPointer<Float>) throws(DatasetError) {
        #if _endian(little)
        try write(raw: UnsafeRawBufferPointer(values))
        count += values.count
        #else
        for value in values { try append(value) }
        #endif
    }

    /// Writes what follows the features and completes the header.
    /// - Returns: the file's SHA-256 and size.
    /// - Throws: `DatasetError` `unwritable-file` (or `unreadable-file` for the hashing pass).
    public func finish(
        featureCount: Int, concepts: [String], labels: [UInt8], ids: [String], groups: [String]?, isMultiLabel: Bool
    ) throws(DatasetError) -> (sha256: String, size: Int) {
        precondition(!finished, "a CanonicalFileWriter finishes once")
        finished = true
        let rows = ids.count
        precondition(count == rows * featureCount && labels.count == rows * concepts.count, "features and labels must hold every row")
        // A reader refuses concepts out of canonical order (sorted by UTF-8 bytes, no repeats), so
        // a file with them must not be written at all.
        for index in concepts.indices.dropFirst() where !concepts[index - 1].utf8.lexicographicallyPrecedes(concepts[index].utf8) {
            throw DatasetError(.malformed, file: name, "concept ids are not unique and in canonical order (at concept \(index))",
                               fix: "This is a bug in crossfold; please report it with the command that ran.")
        }
        let header = CanonicalHeader(
            rows: rows, featureCount: featureCount, conceptCount: concepts.count,
            stringsLength: StringSection.length(concepts: concepts, ids: ids, groups: groups),
            isMultiLabel: isMultiLabel, hasGroups: groups != nil)
        if let expected, expected != header {
            throw DatasetError(.malformed, file: name, "the dataset written differs from the sizes announced for it",
                               fix: "This is a bug in crossfold; please report it with the command that ran.")
        }
        try write(raw: labels)
        try write(raw: [UInt8](repeating: 0, count: header.padding))
        var strings: [UInt8] = []
        strings.reserveCapacity(1 << 16)
        for list in [concepts, ids, groups ?? []] {
            for text in list {
                StringSection.append(text, to: &strings)
                if strings.count >= 1 << 16 {
                    try write(raw: strings)
                    strings.removeAll(keepingCapacity: true)
                }
            }
        }
        try write(raw: strings)
        try flush()
        if var hasher {
            return (hasher.finalize(), flushedBytes)
        }
        let headerBytes = header.bytes
        let written = headerBytes.withUnsafeBytes { raw in Result { () throws(DatasetError) in try pwriteAll(raw, at: 0) } }
        try written.get()
        return (try hashFile(), flushedBytes)
    }

    /// Makes the file durable (fsync); for files that must survive a power cut.
    public func sync() throws(DatasetError) {
        if fsync(fd) != 0 { throw Self.failure(name, "cannot flush the file to disk", errno) }
    }

    private func write(raw bytes: some Collection<UInt8>) throws(DatasetError) {
        let result = bytes.withContiguousBytes { raw in Result { () throws(DatasetError) in try write(raw: raw) } }
        try result.get()
    }

    private func write(raw bytes: UnsafeRawBufferPointer) throws(DatasetError) {
        var start = 0
        while start < bytes.count {
            if buffered == buffer.count { try flush() }
            let n = min(bytes.count - start, buffer.count - buffered)
            UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<(buffered + n)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + n)]))
            buffered += n
            start += n
        }
    }

    private func flush() throws(DatasetError) {
        guard buffered > 0 else { return }
        let pending = UnsafeRawBufferPointer(rebasing: buffer[0..<buffered])
        hasher?.update(raw: pending)
        try pwriteAll(pending, at: flushedBytes)
        flushedBytes += buffered
        buffered = 0
    }

    private func pwriteAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(DatasetError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.failure(name, "cannot write", errno)
            }
            done += n
        }
    }

    /// SHA-256 of the finished file, read back through the buffer.
    private func hashFile() throws(DatasetError) -> String {
        var hasher = SHA256Hasher()
        var offset = 0
        while offset < flushedBytes {
            let n = pread(fd, buffer.baseAddress, min(buffer.count, flushedBytes - offset), off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw OpenFile.failure(name, "cannot read back the file", errno)
            }
            if n == 0 { throw OpenFile.failure(name, "the file shrank while it was written", EIO) }
            hasher.update(raw: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<n]))
            offset += n
        }
        return hasher.finalize()
    }

    static func failure(_ path: String, _ what: String, _ code: Int32) -> DatasetError {
        let advice = code == ENOSPC || code == EDQUOT
            ? "The disk is full: free space there, or choose another directory (--scratch-dir for the temporary copy)."
            : "Check that the directory exists, is writable and has space."
        return DatasetError(.unwritable, file: path, "\(what): \(String(cString: strerror(code)))", fix: advice)
    }
}
