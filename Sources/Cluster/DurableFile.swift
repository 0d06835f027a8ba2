#if canImport(Glibc)
import Glibc
#endif

/// Writing files so that a crash leaves under a name either the old bytes or the new ones, never a
/// mixture: the job store's and the worker cache's files both go through here. Each call is a few
/// blocking system calls; a failure says which step failed and its `errno`, and each caller turns
/// it into its own error, with its own advice.
enum DurableFile {
    struct Failure: Error {
        /// The step that failed, naming the path ("cannot write /x/.y.tmp").
        let step: String
        let code: Int32
    }

    /// Temporary files start with a dot and end in `.tmp`, so a directory's owner can recognise
    /// and remove those a crash left behind.
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(".tmp")
    }

    /// A fresh temporary name for `name` in the same directory.
    static func temporaryName(for name: String) -> String {
        ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Creates `path` (which must not exist) with `mode`, writes `bytes` and flushes them to disk.
    /// On failure the partial file is removed.
    static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(step: "cannot create \(path)", code: errno) }
        var failed: Failure?
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failed = Failure(step: "cannot write \(path)", code: errno)
                break
            }
            written += count
        }
        if failed == nil, fsync(fd) != 0 { failed = Failure(step: "cannot flush \(path) to disk", code: errno) }
        if close(fd) != 0, failed == nil { failed = Failure(step: "cannot finish writing \(path)", code: errno) }
        if let failed {
            unlink(path)
            throw failed
        }
    }

    /// Writes `bytes` to a temporary file in `directory` and renames it to `name`. The rename is
    /// durable once the directory is flushed (`syncDirectory`), which the caller decides on.
    static func replace(_ bytes: [UInt8], directory: String, name: String, mode: mode_t) throws(Failure) {
        let temporary = "\(directory)/\(temporaryName(for: name))"
        try create(bytes, at: temporary, mode: mode)
        if rename(temporary, "\(directory)/\(name)") != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(step: "cannot move \(temporary) into place", code: code)
        }
    }

    /// Flushes a directory, which makes the renames and creations in it durable. File systems
    /// that cannot flush a directory (`EINVAL`) are taken as done.
    static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(step: "cannot open the directory \(path)", code: errno) }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL {
            throw Failure(step: "cannot flush the directory \(path) to disk", code: errno)
        }
    }
}
