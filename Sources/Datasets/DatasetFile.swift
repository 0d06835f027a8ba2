#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A dataset ready for an evaluation at any size: validated, its canonical file mapped (the
/// features used in place), its content hash known. The client, `dataset inspect` and the
/// embedded cluster all start from one.
public struct DatasetFile: Sendable {
    /// The file the user named.
    public let source: String
    /// The dataset; its features live in `canonical`.
    public let dataset: Dataset
    /// The canonical bytes, mapped: what is uploaded, and what workers of the same process use.
    public let canonical: MappedFile
    /// SHA-256 of the canonical bytes.
    public let sha256: String
    /// What validation noticed (a concept under 50 inputs).
    public let warnings: [DatasetWarning]

    /// Opens and validates the dataset at `path`. A `.cfds` file is mapped and read once, to hash it
    /// and check its values and ids, unless `knownHashes` holds a record of it unchanged since it
    /// was validated (`VerifiedFileRecord.Elsewhere`; crossfold records the files it writes and
    /// those it has validated); any other format is imported to a canonical file in
    /// `scratchDirectory` (the readers check every value and id as they go), which is unlinked as
    /// soon as it is mapped, so nothing is left behind whatever happens to the process.
    /// - Throws: `DatasetError` naming the file, the line or row and the rule.
    public static func open(
        _ path: String, labels: String? = nil, scratchDirectory: String, knownHashes: String? = nil
    ) throws(DatasetError) -> DatasetFile {
        let mapping: MappedFile
        let hash: String
        let checkedBefore: Bool
        if DatasetFormat(path: path) == .canonical {
            if let labels {
                throw DatasetError(.malformed, file: labels, "a separate labels file only goes with an .npy matrix",
                                   fix: "Drop the labels file; .cfds files carry their own labels.")
            }
            mapping = try MappedFile(path: path)
            let known = knownHashes.flatMap { VerifiedFileRecord.Elsewhere.hash(of: path, in: $0) }
            hash = known ?? ""
            checkedBefore = known != nil
        } else {
            let directory = scratchDirectory.hasSuffix("/") ? String(scratchDirectory.dropLast()) : scratchDirectory
            let name = path.split(separator: "/").last.map(String.init) ?? "dataset"
            let scratch = "\(directory)/.crossfold-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).cfds.tmp"
            let written: (sha256: String, size: Int)
            do {
                written = try DatasetImport.write(path, labels: labels, to: scratch, name: path)
            } catch where error.rule == .unwritable {
                throw DatasetError(
                    .unwritable, file: path, "\(error.message) (converting it to a canonical file in \(directory))",
                    fix: "Give --scratch-dir (or CROSSFOLD_SCRATCH_DIR) a writable directory with room for 4 bytes per "
                        + "feature value, or convert the file once with `crossfold dataset import` and use the .cfds.")
            }
            defer { unlink(scratch) }
            mapping = try MappedFile(path: scratch)
            hash = written.sha256
            checkedBefore = true
        }
        let dataset = try CanonicalDataset.open(mapping)
        var sha256 = hash
        if !checkedBefore {
            let scan = CanonicalScan.run(mapping, featuresEnd: CanonicalDataset.headerLength + 4 * dataset.features.count)
            if let index = scan.firstNonFinite {
                let row = index / dataset.featureCount
                throw DatasetError.nonFinite(
                    file: path, line: nil,
                    place: "row \(row) (id \(DatasetError.quoted(dataset.ids[row]))), feature \(index % dataset.featureCount)",
                    value: dataset.features[index])
            }
            sha256 = scan.sha256
        }
        // Values and ids were checked by the readers of an import, or before a record was written;
        // otherwise the scan checked the values, and the ids are checked here.
        let warnings = try DatasetValidator.validate(dataset, file: path, checkingValues: false, checkingIds: !checkedBefore)
        if !checkedBefore, let knownHashes {
            VerifiedFileRecord.Elsewhere.write(for: path, sha256: sha256, in: knownHashes)
        }
        return DatasetFile(source: path, dataset: dataset, canonical: mapping, sha256: sha256, warnings: warnings)
    }
}

/// One pass over a mapped canonical file: its SHA-256, and the first feature that is NaN or
/// infinite, checked on each block while it is in cache for the hash.
enum CanonicalScan {
    static let blockBytes = 1 << 20

    /// - Parameter featuresEnd: where the feature matrix ends (it starts after the header).
    static func run(_ file: MappedFile, featuresEnd: Int) -> (sha256: String, firstNonFinite: Int?) {
        file.advise(.sequential)
        let bytes = file.bytes
        var hasher = SHA256Hasher()
        var firstNonFinite: Int?
        var offset = 0
        let featuresStart = CanonicalDataset.headerLength
        while offset < bytes.count {
            let end = min(bytes.count, offset + blockBytes)
            hasher.update(raw: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            let from = max(offset, featuresStart)
            let to = min(end, featuresEnd)
            if firstNonFinite == nil, from < to {
                // Blocks start at multiples of 1 MiB and features at 64, so both ends are 4-byte aligned.
                let floats = UnsafeRawBufferPointer(rebasing: bytes[from..<to]).assumingMemoryBound(to: Float.self)
                if let index = NonFiniteScan.firstIndex(in: floats) {
                    firstNonFinite = (from - featuresStart) / 4 + index
                }
            }
            offset = end
        }
        file.advise(.normal)
        return (hasher.finalize(), firstNonFinite)
    }
}
