#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading, closed when the value goes away. Reads fill whole buffers or throw,
/// so a reader never works on half a file.
struct OpenFile: ~Copyable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(DatasetError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OpenFile.failure(path, "cannot open the file", errno) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = errno
            close(fd)
            throw OpenFile.failure(path, "cannot read the file's size", code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw DatasetError(.unreadable, file: path, "is not a regular file",
                               fix: "Name a dataset file (.csv, .jsonl, .ndjson, .npy or .cfds), not a directory or device.")
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// Fills `buffer` with the bytes at `offset`, throwing when the file ends first.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(DatasetError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw OpenFile.failure(path, "cannot read the file", errno)
            }
            if n == 0 {
                throw DatasetError(.unreadable, file: path,
                                   "the file ended after \(offset + done) bytes while \(offset + buffer.count) were expected",
                                   fix: "The file changed while it was read or is truncated; copy it again.")
            }
            done += n
        }
    }

    /// The whole file.
    func readAll() throws(DatasetError) -> [UInt8] {
        try readBytes(at: 0, count: size)
    }

    /// `count` bytes at `offset`.
    func readBytes(at offset: Int, count: Int) throws(DatasetError) -> [UInt8] {
        var failure: DatasetError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(DatasetError) {
                try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// A `DatasetError` for a failed system call, with the system's reason.
    static func failure(_ path: String, _ what: String, _ code: Int32) -> DatasetError {
        let reason = String(cString: strerror(code))
        let fix = switch code {
        case ENOENT: "Check the path; the file does not exist."
        case EACCES, EPERM: "Check the file's permissions."
        case EISDIR: "Name a dataset file, not a directory."
        default: "Check that the file is readable."
        }
        return DatasetError(.unreadable, file: path, "\(what): \(reason)", fix: fix)
    }
}
