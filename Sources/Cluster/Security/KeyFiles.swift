import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The file operations behind key directories: private directories (0700), private files (0600)
/// written whole or not at all, and reads that refuse secrets other users could read.
enum KeyFiles {
    /// Largest key or allowlist file read (a key is 41 bytes; an allowlist of 10,000 keys ~1 MB).
    static let maxFileBytes = 4 << 20

    /// Creates `path` (and missing parents) and sets it to 0700.
    static func makePrivateDirectory(_ path: String) throws(KeyFileError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw KeyFileError(.unwritable, path: path, "cannot create the directory (\(error.localizedDescription))",
                               fix: "choose a directory you can write")
        }
        guard chmod(path, 0o700) == 0 else {
            throw KeyFileError(.unwritable, path: path, "cannot make the directory private (\(errnoText()))",
                               fix: "choose a directory you own")
        }
    }

    /// Writes `text` to `path` with mode 0600: a temporary file in the same directory, flushed,
    /// then renamed over `path`, so a key file is never seen half written.
    static func writePrivate(_ text: String, to path: String) throws(KeyFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw KeyFileError(.unwritable, path: path, "cannot create the file (\(errnoText()))",
                               fix: "check the directory's permissions")
        }
        let bytes = Array(text.utf8)
        var written = 0
        var failure: String?
        if fchmod(fd, 0o600) != 0 { failure = errnoText() }
        while failure == nil, written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errnoText()
            } else {
                written += count
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = errnoText() }
        if let failure {
            unlink(temporary)
            throw KeyFileError(.unwritable, path: path, "cannot write the file (\(failure))",
                               fix: "check free space and the directory's permissions")
        }
    }

    /// Whether anything exists at `path` (a dangling link counts).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads a key or allowlist file as text. With `secret`, refuses a file other users may read
    /// or write; any key file others may write is refused (they could swap in their own key).
    static func read(_ path: String, secret: Bool, role: String) throws(KeyFileError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let missing = errno == ENOENT
            throw KeyFileError(
                missing ? .missing : .unreadable, path: path, missing ? "missing" : "cannot be read (\(errnoText()))",
                fix: missing
                    ? "run `crossfold keys generate DIR` and give this \(role) its own folder of DIR"
                    : "check its permissions")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw KeyFileError(.unreadable, path: path, "is not a regular file", fix: "point --keys at a key folder")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o002 != 0 {
            throw KeyFileError(.tooOpen, path: path, "any user can write it (mode \(octal(mode)))",
                               fix: "chmod 600 \(path), and check who changed it")
        }
        if secret, mode & 0o007 != 0 {
            throw KeyFileError(.tooOpen, path: path, "other users can read this secret key (mode \(octal(mode)))",
                               fix: "chmod 600 \(path) (0640 or 0440 to share it with one group), and replace the key if others may have read it")
        }
        guard info.st_size <= maxFileBytes else {
            throw KeyFileError(.invalid, path: path, "is \(info.st_size) bytes, too large for a key file",
                               fix: "point --keys at the folder `crossfold keys generate` wrote")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyFileError(.unreadable, path: path, "cannot be read", fix: "check its permissions and owner")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }
}
