import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The directory store's file operations, each a few system calls checked in one place. A file
/// is written to a temporary name in its own directory, flushed to disk, renamed into place and
/// the directory flushed, so after a crash a name holds either the old bytes or the new ones,
/// never a mixture. Blocking calls: the store is used from the coordinator's event loop, and its
/// writes must be durable before the coordinator acknowledges anything.
enum StoreFiles {
    /// Temporary files and directories start with a dot and end in `.tmp`; a reopened store removes them.
    static func isTemporary(_ name: String) -> Bool { DurableFile.isTemporary(name) }

    static func temporaryName(for name: String) -> String { DurableFile.temporaryName(for: name) }

    /// Creates `path` and its missing parents.
    static func makeDirectory(_ path: String) throws(JobStoreError) {
        if isDirectory(path) { return }
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o750) != 0, errno != EEXIST {
                throw failure(.unwritable, "cannot create the directory \(partial)", errno)
            }
        }
        guard isDirectory(path) else {
            throw JobStoreError(.unwritable, "\(path) exists and is not a directory; give --state-dir a directory", code: ENOTDIR)
        }
    }

    /// Writes `bytes` to `directory/name` atomically and durably.
    static func writeAtomically(_ bytes: [UInt8], directory: String, name: String) throws(JobStoreError) {
        do {
            try DurableFile.replace(bytes, directory: directory, name: name, mode: 0o640)
            try DurableFile.syncDirectory(directory)
        } catch {
            throw failure(.unwritable, error.step, error.code)
        }
    }

    /// Creates `path` (which must not exist), writes `bytes` and flushes them to disk. On failure
    /// the partial file is removed.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(JobStoreError) {
        do {
            try DurableFile.create(bytes, at: path, mode: 0o640)
        } catch {
            throw failure(.unwritable, error.step, error.code)
        }
    }

    /// Flushes a directory, which makes the renames and creations in it durable.
    static func syncDirectory(_ path: String) throws(JobStoreError) {
        do {
            try DurableFile.syncDirectory(path)
        } catch {
            throw failure(.unwritable, error.step, error.code)
        }
    }

    /// A whole file, or nil when it does not exist.
    static func read(_ path: String) throws(JobStoreError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure(.unreadable, "cannot open \(path)", errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(.unreadable, "cannot read \(path)", errno) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, off_t(offset))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(.unreadable, "cannot read \(path)", errno)
            }
            if count == 0 { break }
            offset += count
        }
        // A file that shrank while it was read is reported as what was there.
        return offset == bytes.count ? bytes : Array(bytes[..<offset])
    }

    /// Names in `directory` (none when it does not exist), sorted.
    static func list(_ directory: String) throws(JobStoreError) -> [String] {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw failure(.unreadable, "cannot list \(directory)", errno)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a directory (or a link to one).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Renames without flushing; callers flush the directory when the rename must be durable.
    static func move(_ from: String, to: String) throws(JobStoreError) {
        if rename(from, to) != 0 { throw failure(.unwritable, "cannot move \(from) to \(to)", errno) }
    }

    /// Removes a file or a directory tree; best effort (it is only used on leftovers).
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Bytes free for an unprivileged user on the file system holding `path`.
    static func freeBytes(_ path: String) -> Int? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// An error that says what failed, why, and what to do about it.
    static func failure(_ kind: JobStoreError.Kind, _ what: String, _ code: Int32) -> JobStoreError {
        let reason = String(cString: strerror(code))
        let advice: String
        switch code {
        case ENOSPC, EDQUOT: advice = "the disk is full: free space there, or move --state-dir to a larger disk"
        case EACCES, EPERM: advice = "check the state dir's owner and permissions (the coordinator must be able to write in it)"
        case EROFS: advice = "the file system is read-only: give --state-dir a writable location"
        case EIO: advice = "the disk reported an I/O error: check it before trusting the state dir"
        case ENOTDIR: advice = "a part of the path is a file, not a directory: give --state-dir a directory"
        default: advice = "check the state dir"
        }
        return JobStoreError(kind, "\(what): \(reason); \(advice)", code: code)
    }
}
