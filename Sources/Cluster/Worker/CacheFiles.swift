import Datasets
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The dataset cache's file operations: entries are `<sha256>.cfds`, written to a temporary file in
/// the same directory, flushed to disk and renamed into place, so a crash never leaves half an
/// entry under an entry's name; each has a `<sha256>.cfds.verified` record beside it
/// (`VerifiedFileRecord`). Blocking; called from threads of their own, never the event loop.
enum CacheFiles {
    static func entryName(_ hash: String) -> String { "\(hash).cfds" }

    /// The hash an entry's file name claims, or nil for other files.
    static func hash(ofEntryNamed name: String) -> String? {
        guard name.hasSuffix(".cfds") else { return nil }
        let hash = String(name.dropLast(5))
        return isHash(hash) ? hash : nil
    }

    /// Temporary files start with a dot and end in `.tmp`.
    static func isTemporary(_ name: String) -> Bool { DurableFile.isTemporary(name) }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Creates the directory and its parents when missing.
    static func makeDirectory(_ path: String) throws(DatasetCacheError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DatasetCacheError(.unwritable, "cannot create the cache directory \(path): \(error.localizedDescription)")
        }
    }

    /// Names in `directory`.
    static func list(_ directory: String) throws(DatasetCacheError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw DatasetCacheError(.unreadable, "cannot list the cache directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Size and modification time (seconds since 1970) of a regular file; nil when it is missing or not a file.
    static func status(_ path: String) -> (size: Int, modified: Double)? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return (Int(info.st_size), Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    /// Sets a file's modification time to now.
    static func touch(_ path: String) {
        _ = utimes(path, nil)
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// When an entry was last used: its record's modification time (touched on every use, so the
    /// least recently used order survives a restart), or nil without a record.
    static func lastUse(of entryPath: String) -> Double? {
        status(VerifiedFileRecord.path(for: entryPath))?.modified
    }

    private static func failure(_ kind: DatasetCacheError.Kind, _ what: String, _ code: Int32) -> DatasetCacheError {
        DatasetCacheError(kind, "\(what): \(String(cString: strerror(code))); check the cache directory's permissions and free space")
    }
}
