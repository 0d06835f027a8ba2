#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Converts a CSV, JSONL or NPY dataset to a canonical file on disk in one pass over the input,
/// with memory that does not grow with its features: the input is mapped (CSV, JSONL) or read in
/// slices (NPY), and every feature value goes straight to a `CanonicalFileWriter`. What does grow
/// with the rows is what the canonical file's tail needs: concept lists, ids and groups.
///
/// The readers check every value as they go (syntax, widths, NaN and infinity, duplicate ids), so
/// an imported file needs no second look at its features.
public enum DatasetImport {
    /// Writes the canonical form of the dataset at `source` to `path` (a temporary name the caller
    /// renames or unlinks; errors name `name`).
    /// - Returns: the file's SHA-256 and size.
    /// - Throws: `DatasetError` naming the input's file and line, or the output's problem.
    public static func write(
        _ source: String, labels: String?, to path: String, name: String? = nil
    ) throws(DatasetError) -> (sha256: String, size: Int) {
        guard let format = DatasetFormat(path: source) else {
            throw DatasetError(.unknownFormat, file: source, "the file's extension names no dataset format crossfold reads",
                               fix: "Use .csv, .jsonl (or .ndjson), .npy with a labels file, or .cfds.")
        }
        if let labels, format != .npy {
            throw DatasetError(.malformed, file: labels, "a separate labels file only goes with an .npy matrix",
                               fix: "Drop the labels file; \(format.fileExtension) files carry their own labels.")
        }
        do throws(DatasetError) {
            switch format {
            case .csv, .jsonl:
                let input = try MappedFile(path: source)
                input.advise(.sequential)
                let writer = try CanonicalFileWriter(path: path, name: name)
                let text = input.bytes.assumingMemoryBound(to: UInt8.self)
                var sink = writer
                let parts = format == .csv
                    ? try CSVReader(file: source).read(text, into: &sink)
                    : try JSONLReader(file: source).read(text, into: &sink)
                return try parts.finish(writer)
            case .npy:
                // The side files first: with the sizes known, the file is hashed as it is written.
                let reader = NPYReader(path: source, labelsPath: labels)
                let opened = try reader.open()
                let parts = opened.parts
                let header = CanonicalHeader(
                    rows: parts.rowCount, featureCount: parts.featureCount, conceptCount: parts.concepts.count,
                    stringsLength: StringSection.length(concepts: parts.concepts, ids: parts.ids, groups: parts.groups),
                    isMultiLabel: parts.isMultiLabel, hasGroups: parts.groups != nil)
                var sink = try CanonicalFileWriter(path: path, name: name, header: header)
                try reader.readMatrix(opened, into: &sink)
                return try parts.finish(sink)
            case .canonical:
                throw DatasetError(.unknownFormat, file: source, "the file is already a canonical dataset",
                                   fix: "Use it as it is; `crossfold dataset inspect` checks it.")
            }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Writes the canonical form of `source` to `output`, replacing it atomically (a temporary
    /// file beside it, renamed into place once complete).
    @discardableResult
    public static func write(_ source: String, labels: String?, to output: String) throws(DatasetError) -> (sha256: String, size: Int) {
        let temporary = CanonicalDataset.temporaryPath(beside: output)
        let written = try write(source, labels: labels, to: temporary, name: output)
        do throws(DatasetError) {
            try CanonicalDataset.moveIntoPlace(temporary, output)
        } catch {
            unlink(temporary)
            throw error
        }
        return written
    }
}
