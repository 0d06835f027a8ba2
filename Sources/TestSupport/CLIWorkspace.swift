import Foundation

/// A temporary directory for one command-line test: the working directory of the `crossfold`
/// runs, holding the datasets the test writes and the files the runs produce. Removed when the
/// test lets go of it.
public final class CLIWorkspace {
    /// The directory.
    public let url: URL

    /// Creates an empty directory under the system's temporary directory.
    ///
    /// - Throws: the file system's error when it cannot be created.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("crossfold-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The absolute path of `name` in the directory.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, data: Data(text.utf8))
    }

    /// Writes `data` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, data: Data) throws -> String {
        let target = url.appendingPathComponent(name)
        try data.write(to: target)
        return target.path
    }

    /// Whether `name` exists.
    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name))
    }

    /// The bytes of `name`.
    public func data(_ name: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(name))
    }

    /// The text of `name` (UTF-8).
    public func read(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self)
    }

    /// Every regular file below the directory, as paths relative to it, sorted.
    public func files() -> [String] {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var names: [String] = []
        let base = url.resolvingSymlinksInPath().path + "/"
        for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let full = file.resolvingSymlinksInPath().path
            names.append(full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full)
        }
        return names.sorted()
    }

    /// The files below the directory whose bytes contain `text`.
    public func files(containing text: String) -> [String] {
        let needle = Data(text.utf8)
        return files().filter { name in
            guard let bytes = try? data(name) else { return false }
            return bytes.range(of: needle) != nil
        }
    }
}
