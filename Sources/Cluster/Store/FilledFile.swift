import Datasets

#if canImport(Glibc)
import Glibc
#endif

/// A file written in place through a writable mapping (a finished job's predictions, filled row
/// by row in input order), then mapped read-only for serving. The bytes live in the page cache,
/// not in the process's own memory.
enum FilledFile {
    /// Creates `path` with `size` bytes, lets `fill` write them through a mapping, and returns the
    /// file mapped read-only. With `durable`, the bytes are flushed before the file is renamed to
    /// `rename` (when given); with `unlinked`, the name is removed at once (a file that lives as
    /// long as its mapping). A `fill` that throws leaves no file behind, and its error is thrown.
    static func write(
        at path: String, size: Int, durable: Bool, rename destination: String? = nil, unlinked: Bool = false,
        fill: (UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void
    ) throws(JobStoreError) -> MappedFile {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw StoreFiles.failure(.unwritable, "cannot create \(path)", errno) }
        defer { close(fd) }
        if unlinked { unlink(path) }
        var failed: JobStoreError?
        if size > 0 {
            // Real blocks, not a sparse file: a full disk fails here, not as SIGBUS while filling.
            let code = posix_fallocate(fd, 0, off_t(size))
            if code != 0 { failed = StoreFiles.failure(.unwritable, "cannot make room for \(path)", code) }
        }
        if failed == nil, size > 0 {
            let memory = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            if let memory, memory != MAP_FAILED {
                do {
                    try fill(UnsafeMutableRawBufferPointer(start: memory, count: size))
                } catch {
                    failed = error
                }
                munmap(memory, size)
            } else {
                failed = StoreFiles.failure(.unwritable, "cannot map \(path)", errno)
            }
        }
        if failed == nil, durable, fsync(fd) != 0 { failed = StoreFiles.failure(.unwritable, "cannot flush \(path) to disk", errno) }
        if failed == nil, let destination, Glibc.rename(path, destination) != 0 {
            failed = StoreFiles.failure(.unwritable, "cannot move \(path) into place", errno)
        }
        if let failed {
            if !unlinked { unlink(path) }
            throw failed
        }
        do {
            return try MappedFile(descriptor: fd, path: destination ?? path)
        } catch {
            throw JobStoreError(.unreadable, "cannot map \(destination ?? path): \(error.message)")
        }
    }
}
