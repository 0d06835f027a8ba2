#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file mapped read-only into memory, unmapped when the last reference goes away.
///
/// This is how crossfold holds a dataset: the canonical file's feature matrix is used in place, so
/// its pages belong to the kernel's page cache (file-backed, shared by every process that maps the
/// file, reclaimable under memory pressure) instead of each process's anonymous memory. Every
/// holder (a `Dataset`'s features, a zero-copy frame being sent) keeps the mapping alive.
///
/// The file must not shrink while it is mapped: reading a page past its new end raises SIGBUS.
/// crossfold maps only files it wrote itself (caches, spools, imports) and the user's own `.cfds`
/// input, which README.md asks not to be rewritten while a command uses it.
///
/// `@unchecked Sendable`: the stored properties are immutable after `init`, and the mapping is
/// read-only (`PROT_READ`), so concurrent reads from any thread are safe.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's size when it was mapped, and the length of `bytes`.
    public let size: Int
    private let base: UnsafeRawPointer?
    /// The mapped file's device and inode, to tell whether `path` still names it.
    private let device: UInt64
    private let inode: UInt64

    /// What the kernel should expect of the reads that follow (`madvise`).
    public enum Access: Sendable {
        /// One pass from start to end (hashing, scanning): aggressive read-ahead.
        case sequential
        /// Scattered reads (a fold's rows): the default read-ahead.
        case normal
        /// Everything will be read soon: start reading it in now.
        case willNeed
    }

    /// Maps the file at `path`.
    /// - Throws: `DatasetError` `unreadable-file` when it cannot be opened, is not a regular file or
    ///   cannot be mapped.
    public convenience init(path: String) throws(DatasetError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OpenFile.failure(path, "cannot open the file", errno) }
        defer { close(fd) }
        try self.init(descriptor: fd, path: path)
    }

    /// Maps the whole of an open file; the descriptor stays the caller's (the mapping outlives it).
    /// - Throws: `DatasetError` `unreadable-file` when it is not a regular file or cannot be mapped.
    public init(descriptor fd: Int32, path: String) throws(DatasetError) {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw OpenFile.failure(path, "cannot read the file's size", errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DatasetError(.unreadable, file: path, "is not a regular file",
                               fix: "Name a dataset file (.csv, .jsonl, .ndjson, .npy or .cfds), not a directory or device.")
        }
        let size = Int(status.st_size)
        self.path = path
        self.size = size
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        guard size > 0 else {
            // mmap refuses a length of 0; an empty file is simply no bytes.
            base = nil
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw OpenFile.failure(path, "cannot map the file into memory", errno)
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The file's bytes, valid while this object lives.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : size)
    }

    /// Tells the kernel how `range` (all of the file by default) is about to be read. Only a hint:
    /// failures are ignored.
    public func advise(_ access: Access, range: Range<Int>? = nil) {
        guard let base else { return }
        let range = range ?? 0..<size
        // madvise wants a page-aligned start.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        guard range.upperBound > start, range.upperBound <= size else { return }
        let advice: Int32 = switch access {
        case .sequential: Int32(MADV_SEQUENTIAL)
        case .normal: Int32(MADV_NORMAL)
        case .willNeed: Int32(MADV_WILLNEED)
        }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), range.upperBound - start, advice)
    }

    /// Whether `path` still names the mapped file, unchanged in size: false once it was unlinked
    /// (an imported dataset's scratch file, an evicted cache entry) or replaced. Another process
    /// can then open `path` and read what this mapping holds.
    public var isStillAtPath: Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode && Int(status.st_size) == size
    }
}
