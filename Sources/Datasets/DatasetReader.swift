/// Loads a dataset file into a `Dataset`, picking the reader by the file's extension: a `.cfds`
/// file is mapped (its features used in place), other formats are read into memory. For datasets
/// of any size, `DatasetFile.open` imports other formats to a mapped canonical file instead.
///
/// The readers check what only the file can tell (syntax, row widths, numbers, NaN and infinity,
/// duplicate ids, each with its line); `DatasetValidator` then checks the requirements on the
/// whole dataset (concept counts). Loading never prints.
public enum DatasetReader {
    /// Reads the dataset at `path`.
    ///
    /// - Parameters:
    ///   - path: a `.csv`, `.jsonl`/`.ndjson`, `.npy` or `.cfds` file.
    ///   - labelsPath: for `.npy` only, the labels file; by default `<stem>.labels.txt` beside it.
    /// - Throws: `DatasetError` naming the file, the line or row, the rule and what to do, when the
    ///   file cannot be read or breaks a format rule.
    public static func load(path: String, labelsPath: String? = nil) throws(DatasetError) -> Dataset {
        guard let format = DatasetFormat(path: path) else {
            throw DatasetError(.unknownFormat, file: path, "the file's extension names no dataset format crossfold reads",
                               fix: "Use .csv, .jsonl (or .ndjson), .npy with a labels file, or .cfds.")
        }
        if let labelsPath, format != .npy {
            throw DatasetError(.malformed, file: labelsPath, "a separate labels file only goes with an .npy matrix",
                               fix: "Drop the labels file; \(format.fileExtension) files carry their own labels.")
        }
        switch format {
        case .csv:
            let text = try MappedFile(path: path)
            return try withExtendedLifetime(text) { () throws(DatasetError) -> Dataset in
                try CSVReader(file: path).read(text.bytes.assumingMemoryBound(to: UInt8.self))
            }
        case .jsonl:
            let text = try MappedFile(path: path)
            return try withExtendedLifetime(text) { () throws(DatasetError) -> Dataset in
                try JSONLReader(file: path).read(text.bytes.assumingMemoryBound(to: UInt8.self))
            }
        case .npy:
            return try NPYReader(path: path, labelsPath: labelsPath).read()
        case .canonical:
            return try CanonicalDataset.open(path: path)
        }
    }
}
