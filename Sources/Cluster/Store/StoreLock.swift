import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `state-dir/lock`, held while a coordinator uses the directory, so two
/// coordinators never write one store. The kernel drops it when the process dies (even by
/// `kill -9`), so a restarted coordinator never finds a stale lock. The file holds the holder's
/// pid, for the message the next one prints.
final class StoreLock: Sendable {
    static let fileName = "lock"
    private let descriptor: Mutex<Int32?>

    /// Takes the lock or throws `JobStoreError` (`.locked` when another process holds it).
    init(directory: String) throws(JobStoreError) {
        let path = "\(directory)/\(Self.fileName)"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw StoreFiles.failure(.unwritable, "cannot create \(path)", errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else { throw StoreFiles.failure(.unwritable, "cannot lock \(path)", code) }
            let holder = String(decoding: ((try? StoreFiles.read(path)) ?? nil) ?? [], as: UTF8.self).filter(\.isNumber)
            let who = holder.isEmpty ? "another coordinator" : "another coordinator (pid \(holder))"
            throw JobStoreError(.locked, """
                the state dir \(directory) is in use by \(who); stop it, or give this coordinator another --state-dir
                """)
        }
        let pid = Array("\(getpid())\n".utf8)
        // The pid is only informative: failing to write it is no reason to refuse the lock.
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        descriptor = Mutex(fd)
    }

    /// Releases the lock (also done when the process exits).
    func release() {
        descriptor.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    deinit { release() }
}
