#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CanonicalDataset {
    /// Writes the canonical bytes of `dataset` to `path`, replacing the file atomically: the bytes
    /// go to a temporary file beside it, renamed over `path` once complete, so a reader (or a
    /// worker's dataset cache) never sees half a dataset.
    ///
    /// - Throws: `DatasetError` with rule `unwritable-file` when the file cannot be written.
    public static func write(_ dataset: Dataset, to path: String) throws(DatasetError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create \(temporary)", errno) }
        var failed: DatasetError?
        emit(dataset) { chunk in
            guard failed == nil, var next = chunk.baseAddress else { return }
            var left = chunk.count
            while left > 0 {
                let n = systemWrite(fd, next, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = failure(path, "cannot write", errno)
                    return
                }
                next += n
                left -= n
            }
        }
        if close(fd) != 0, failed == nil { failed = failure(path, "cannot finish writing", errno) }
        if failed == nil, rename(temporary, path) != 0 { failed = failure(path, "cannot move the new file into place", errno) }
        if let failed {
            unlink(temporary)
            throw failed
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> DatasetError {
        DatasetError(.unwritable, file: path, "\(what): \(String(cString: strerror(code)))",
                     fix: "Check that the directory exists, is writable and has space.")
    }
}

/// POSIX write(2), named apart from `CanonicalDataset.write`.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
