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
    /// - Returns: the SHA-256 of what was written.
    /// - Throws: `DatasetError` with rule `unwritable-file` when the file cannot be written.
    @discardableResult
    public static func write(_ dataset: Dataset, to path: String) throws(DatasetError) -> String {
        let temporary = temporaryPath(beside: path)
        do throws(DatasetError) {
            let writer = try CanonicalFileWriter(path: temporary, name: path, header: header(of: dataset))
            try dataset.features.withUnsafeBufferPointer { (values) throws(DatasetError) in
                try writer.append(contentsOf: values)
            }
            let (hash, _) = try writer.finish(
                featureCount: dataset.featureCount, concepts: dataset.concepts, labels: dataset.labels, ids: dataset.ids,
                groups: dataset.groups, isMultiLabel: dataset.isMultiLabel)
            try moveIntoPlace(temporary, path)
            return hash
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// A temporary name in the same directory as `path` (so a rename can replace `path`), hidden and
    /// unique to this process and call.
    public static func temporaryPath(beside path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Renames a finished temporary file over `path`.
    public static func moveIntoPlace(_ temporary: String, _ path: String) throws(DatasetError) {
        guard rename(temporary, path) == 0 else {
            throw CanonicalFileWriter.failure(path, "cannot move the new file into place", errno)
        }
    }
}
