/// crossfold's canonical binary form of a dataset: what is hashed, shipped to workers and cached.
///
/// Layout (all integers little-endian; docs/CANONICAL-FORMAT.md is the full specification):
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 8 | magic `89 43 46 44 0D 0A 1A 0A` ("\x89CFD\r\n\x1a\n") |
/// | 8 | 4 | format version, 1 |
/// | 12 | 4 | flags: bit 0 multi-label, bit 1 has groups; other bits 0 |
/// | 16 | 8 | rows N |
/// | 24 | 8 | features D |
/// | 32 | 8 | concepts C |
/// | 40 | 8 | byte length S of the string section |
/// | 48 | 16 | reserved, 0 |
/// | 64 | 4·N·D | features, Float32, row-major |
/// | 64 + 4·N·D | N·C | concept matrix, UInt8 0/1, row-major |
/// | … | 0–7 | zero padding to a multiple of 8 |
/// | P | S | concept ids (C), row ids (N), groups (N, if flagged): UInt32 length + UTF-8 each |
///
/// The fixed-size arrays come first, at offsets computable from the header, so a reader maps the
/// file and uses the matrix in place (`open(_:)`); the float matrix starts 64-byte aligned.
public enum CanonicalDataset {
    /// The first 8 bytes of every canonical dataset (PNG-style: a high byte, a name, CR LF, ^Z, LF,
    /// so transfers that mangle text are caught).
    public static let magic: [UInt8] = [0x89, 0x43, 0x46, 0x44, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version this code writes and reads.
    public static let version: UInt32 = 1
    /// Size of the fixed header.
    public static let headerLength = 64

    static let multiLabelFlag: UInt32 = 1
    static let groupsFlag: UInt32 = 2

    /// The canonical bytes of `dataset`, in memory: for small datasets and tests. Large datasets
    /// are written to files with `CanonicalFileWriter` and mapped.
    public static func encode(_ dataset: Dataset) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedLength(of: dataset))
        emit(dataset) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The SHA-256 of the canonical bytes of `dataset` as 64 lowercase hex digits, computed without
    /// materialising the bytes. Equal for equal content whichever file format it was read from.
    public static func sha256(of dataset: Dataset) -> String {
        var hasher = SHA256Hasher()
        emit(dataset) { hasher.update(raw: $0) }
        return hasher.finalize()
    }

    /// The length in bytes of the canonical form of `dataset`.
    public static func encodedLength(of dataset: Dataset) -> Int {
        header(of: dataset).total
    }

    /// The header describing `dataset`.
    static func header(of dataset: Dataset) -> CanonicalHeader {
        CanonicalHeader(
            rows: dataset.rowCount, featureCount: dataset.featureCount, conceptCount: dataset.conceptCount,
            stringsLength: StringSection.length(concepts: dataset.concepts, ids: dataset.ids, groups: dataset.groups),
            isMultiLabel: dataset.isMultiLabel, hasGroups: dataset.groups != nil)
    }

    /// Feeds the canonical bytes of `dataset` to `sink`, in order, in a few large pieces.
    static func emit(_ dataset: Dataset, into sink: (UnsafeRawBufferPointer) -> Void) {
        let header = header(of: dataset)
        header.bytes.withUnsafeBytes(sink)
        #if _endian(little)
        dataset.features.withUnsafeBufferPointer { sink(UnsafeRawBufferPointer($0)) }
        #else
        for start in stride(from: 0, to: dataset.features.count, by: 1 << 16) {
            let swapped = dataset.features[start..<min(start + 1 << 16, dataset.features.count)].map { $0.bitPattern.littleEndian }
            swapped.withUnsafeBytes(sink)
        }
        #endif
        dataset.labels.withUnsafeBytes(sink)
        [UInt8](repeating: 0, count: header.padding).withUnsafeBytes(sink)
        StringSection.bytes(concepts: dataset.concepts, ids: dataset.ids, groups: dataset.groups).withUnsafeBytes(sink)
    }
}

/// The 64-byte header of a dataset with known sizes, and where its sections start. Sizes come from
/// data already held or being written, so they are trusted here; bytes read from elsewhere go
/// through `CanonicalLayout`, which checks them.
public struct CanonicalHeader: Sendable, Equatable {
    public var rows: Int
    public var featureCount: Int
    public var conceptCount: Int
    /// Byte length S of the string section.
    public var stringsLength: Int
    public var isMultiLabel: Bool
    public var hasGroups: Bool

    public init(rows: Int, featureCount: Int, conceptCount: Int, stringsLength: Int, isMultiLabel: Bool, hasGroups: Bool) {
        self.rows = rows
        self.featureCount = featureCount
        self.conceptCount = conceptCount
        self.stringsLength = stringsLength
        self.isMultiLabel = isMultiLabel
        self.hasGroups = hasGroups
    }

    public var labelsOffset: Int { CanonicalDataset.headerLength + 4 * rows * featureCount }
    public var labelsLength: Int { rows * conceptCount }
    public var padding: Int { (8 - (labelsOffset + labelsLength) % 8) % 8 }
    public var stringsOffset: Int { labelsOffset + labelsLength + padding }
    /// The byte count of the whole dataset.
    public var total: Int { stringsOffset + stringsLength }

    /// The header's 64 bytes.
    public var bytes: [UInt8] {
        var header = [UInt8](repeating: 0, count: CanonicalDataset.headerLength)
        header.replaceSubrange(0..<8, with: CanonicalDataset.magic)
        let flags = (isMultiLabel ? CanonicalDataset.multiLabelFlag : 0) | (hasGroups ? CanonicalDataset.groupsFlag : 0)
        Self.store(CanonicalDataset.version, at: 8, in: &header)
        Self.store(flags, at: 12, in: &header)
        Self.store(UInt64(rows), at: 16, in: &header)
        Self.store(UInt64(featureCount), at: 24, in: &header)
        Self.store(UInt64(conceptCount), at: 32, in: &header)
        Self.store(UInt64(stringsLength), at: 40, in: &header)
        return header
    }

    private static func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }
}

/// The string section: concept ids, row ids and groups, each as a UInt32 length and its UTF-8 bytes.
enum StringSection {
    static func length(concepts: [String], ids: [String], groups: [String]?) -> Int {
        func sum(_ strings: [String]) -> Int { strings.reduce(0) { $0 + 4 + $1.utf8.count } }
        return sum(concepts) + sum(ids) + (groups.map(sum) ?? 0)
    }

    static func bytes(concepts: [String], ids: [String], groups: [String]?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length(concepts: concepts, ids: ids, groups: groups))
        for list in [concepts, ids, groups ?? []] {
            for text in list { append(text, to: &bytes) }
        }
        return bytes
    }

    static func append(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: utf8)
    }
}
