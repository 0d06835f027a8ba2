import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where an output option sends its file: a path, or standard output for `-`.
///
/// `check(_:flag:)` runs before any work, so an evaluation is never computed only to be lost: it
/// refuses an empty name (usage), and a directory, a missing or non-directory parent, a special
/// file, a name too long or a directory this process cannot create files in (cannot write), each
/// saying what to do.
enum OutputPath: Equatable, Sendable {
    case standardOutput
    case file(String)

    /// The name that means standard output.
    static let standardOutputName = "-"

    /// Checks that `text`, given to `flag`, can be written.
    ///
    /// - Parameter allowStandardOutput: whether `-` means standard output here (else it is refused).
    /// - Throws: `CommandFailure` with `.usage` or `.cannotWrite`.
    static func check(_ text: String, flag: String, allowStandardOutput: Bool = true) throws -> OutputPath {
        if text.isEmpty {
            throw CommandFailure(.usage, "\(flag) needs a file name" + (allowStandardOutput ? " (or - for standard output)" : ""))
        }
        if text == standardOutputName {
            guard allowStandardOutput else {
                throw CommandFailure(.usage, "\(flag) needs a file name; it cannot write to standard output")
            }
            return .standardOutput
        }
        if let problem = problem(writing: text) {
            throw CommandFailure(.cannotWrite, "cannot write \(text) (\(flag)): \(problem)")
        }
        return .file(text)
    }

    /// Why `path` cannot be written as a new or replaced regular file, or nil when it can.
    static func problem(writing path: String) -> String? {
        if path.hasSuffix("/") { return "the name ends in /, so it names a directory; give a file name" }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.utf8.count > Int(NAME_MAX) || path.utf8.count >= Int(PATH_MAX) {
            return "the name is too long for the file system"
        }
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                return "it is a directory; name a file inside it"
            case S_IFREG:
                break
            default:
                return "it is not a regular file; use - for standard output"
            }
        }
        let folder = directory(of: path)
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else {
            let reason = errno
            if reason == ENOENT { return "directory \(folder) does not exist; create it first (mkdir -p \(folder))" }
            return "\(folder): \(String(cString: strerror(reason)))"
        }
        guard folderInfo.st_mode & S_IFMT == S_IFDIR else { return "\(folder) is not a directory" }
        return probe(folder)
    }

    /// The directory a new file named `path` lands in: `.` for a bare name, `/` for `/name`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// Creates and removes a file in `folder`: the only test that also holds for root, read-only
    /// mounts and pseudo file systems. Nil when it worked, else why not.
    private static func probe(_ folder: String) -> String? {
        let name = "\(folder)/.crossfold-write-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno
            return "cannot create files in \(folder) (\(String(cString: strerror(reason)))); "
                + "check its permissions or choose another directory"
        }
        close(descriptor)
        unlink(name)
        return nil
    }
}
