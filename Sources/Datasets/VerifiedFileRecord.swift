#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A note kept beside a dataset file (`<file>.verified`) once its bytes were checked against their
/// SHA-256: the hash, and the file's identity then (inode, size, modification and change times).
/// While the file's identity is unchanged, the file is trusted without hashing it again; any write
/// to it, a truncation or a replacement changes its identity and so sends it back to a full check.
/// (Damage below the file system, on the disk itself, is found only by a full check: `crossfold
/// cache verify`.)
public enum VerifiedFileRecord {
    /// A file's identity as `stat` reports it.
    public struct Identity: Sendable, Equatable {
        public let device: UInt64
        public let inode: UInt64
        public let size: Int
        /// Nanoseconds since 1970.
        public let modified: Int64
        public let changed: Int64

        /// The identity of the file at `path`, or nil when there is no regular file there.
        public static func of(_ path: String) -> Identity? {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            return Identity(
                device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        }

        var line: String { "\(device) \(inode) \(size) \(modified) \(changed)" }
    }

    /// The record's name for `path`.
    public static func path(for path: String) -> String { "\(path).verified" }

    /// Whether `name` is a record's file name.
    public static func isRecord(_ name: String) -> Bool { name.hasSuffix(".verified") }

    /// Writes the record for the file at `path`, whose bytes hash to `sha256`: call it after the
    /// file is in place (a rename changes its change time). Not flushed to disk: a record lost to a
    /// power cut only costs one full check.
    public static func write(for path: String, sha256: String) throws(DatasetError) {
        guard let identity = Identity.of(path) else {
            throw OpenFile.failure(path, "cannot read the file's identity", errno)
        }
        let text = "crossfold verified 1\n\(sha256)\n\(identity.line)\n"
        let record = self.path(for: path)
        let temporary = CanonicalDataset.temporaryPath(beside: record)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CanonicalFileWriter.failure(record, "cannot create a temporary file beside it", errno) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let code = errno
        close(fd)
        guard written == bytes.count else {
            unlink(temporary)
            throw CanonicalFileWriter.failure(record, "cannot write", written < 0 ? code : ENOSPC)
        }
        try CanonicalDataset.moveIntoPlace(temporary, record)
    }

    /// Whether the record of `path` says its bytes hash to `sha256` and the file is unchanged since.
    public static func vouches(for path: String, sha256: String) -> Bool {
        guard let identity = Identity.of(path), let text = try? TextLines(path: self.path(for: path)) else { return false }
        return text.lines.count == 3 && text.lines[0] == "crossfold verified 1" && text.lines[1] == sha256
            && text.lines[2] == identity.line
    }

    /// Removes the record of `path`.
    public static func remove(for path: String) {
        unlink(self.path(for: path))
    }

    /// Records kept in a directory of their own rather than beside the file: the client's note of
    /// the datasets it has hashed (files the user owns, where no extra file should appear), named
    /// after the file's device and inode.
    public enum Elsewhere {
        /// The record of the file at `path` in `directory`, or nil when `path` is not a file.
        static func recordPath(for path: String, in directory: String) -> String? {
            Identity.of(path).map { "\(directory)/\($0.device)-\($0.inode).verified" }
        }

        /// The first line of these records: they also say the file passed every check of a dataset
        /// (values, ids), not only its hash.
        static let header = "crossfold validated 1"

        /// Writes the record of `path`, whose bytes hash to `sha256` and which passed every check of
        /// a dataset, in `directory`, creating it when missing. Best effort: a record that cannot be
        /// written only costs a hash next time.
        public static func write(for path: String, sha256: String, in directory: String) {
            guard let identity = Identity.of(path), makeDirectory(directory) else { return }
            let record = "\(directory)/\(identity.device)-\(identity.inode).verified"
            let text = "\(header)\n\(sha256)\n\(identity.line)\n"
            let temporary = CanonicalDataset.temporaryPath(beside: record)
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if written != bytes.count || rename(temporary, record) != 0 { unlink(temporary) }
        }

        /// The SHA-256 the record in `directory` gives the file at `path`, when the file is
        /// unchanged since it was recorded (and so still valid); nil otherwise.
        public static func hash(of path: String, in directory: String) -> String? {
            guard let identity = Identity.of(path), let record = recordPath(for: path, in: directory),
                  let text = try? TextLines(path: record), text.lines.count == 3, text.lines[0] == header,
                  text.lines[2] == identity.line, text.lines[1].utf8.count == 64
            else { return nil }
            return text.lines[1]
        }

        private static func makeDirectory(_ path: String) -> Bool {
            var partial = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                partial += "/" + component
                if mkdir(partial, 0o755) != 0, errno != EEXIST { return false }
            }
            return true
        }
    }

    /// The SHA-256 of the file at `path`, read in 4 MiB blocks.
    public static func hashFile(_ path: String) throws(DatasetError) -> String {
        let file = try OpenFile(path: path)
        var hasher = SHA256Hasher()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
        defer { block.deallocate() }
        var offset = 0
        while offset < file.size {
            let n = min(block.count, file.size - offset)
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: block[0..<n]), at: offset)
            hasher.update(raw: UnsafeRawBufferPointer(rebasing: block[0..<n]))
            offset += n
        }
        return hasher.finalize()
    }
}
