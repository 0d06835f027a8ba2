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
/// The fixed-size arrays come first, at offsets computable from the header, so a reader can map
/// them in place; the float matrix starts 64-byte aligned.
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

    /// The canonical bytes of `dataset`.
    public static func encode(_ dataset: Dataset) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerLength + dataset.features.count * 4 + dataset.labels.count + 8)
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
        let layout = Layout(rows: dataset.rowCount, features: dataset.featureCount, concepts: dataset.conceptCount)
        return layout.stringsOffset + stringSection(dataset).count
    }

    /// Feeds the canonical bytes of `dataset` to `sink`, in order, in a few large pieces.
    static func emit(_ dataset: Dataset, into sink: (UnsafeRawBufferPointer) -> Void) {
        let strings = stringSection(dataset)
        var header = [UInt8](repeating: 0, count: headerLength)
        header.replaceSubrange(0..<8, with: magic)
        store(version, at: 8, in: &header)
        let flags = (dataset.isMultiLabel ? multiLabelFlag : 0) | (dataset.groups != nil ? groupsFlag : 0)
        store(flags, at: 12, in: &header)
        store(UInt64(dataset.rowCount), at: 16, in: &header)
        store(UInt64(dataset.featureCount), at: 24, in: &header)
        store(UInt64(dataset.conceptCount), at: 32, in: &header)
        store(UInt64(strings.count), at: 40, in: &header)
        header.withUnsafeBytes(sink)

        #if _endian(little)
        dataset.features.withUnsafeBytes(sink)
        #else
        for start in stride(from: 0, to: dataset.features.count, by: 1 << 16) {
            let swapped = dataset.features[start..<min(start + 1 << 16, dataset.features.count)].map { $0.bitPattern.littleEndian }
            swapped.withUnsafeBytes(sink)
        }
        #endif
        dataset.labels.withUnsafeBytes(sink)
        let layout = Layout(rows: dataset.rowCount, features: dataset.featureCount, concepts: dataset.conceptCount)
        let padding = [UInt8](repeating: 0, count: layout.padding)
        padding.withUnsafeBytes(sink)
        strings.withUnsafeBytes(sink)
    }

    /// Concept ids, row ids and groups, each as a UInt32 length and its UTF-8 bytes.
    static func stringSection(_ dataset: Dataset) -> [UInt8] {
        var bytes: [UInt8] = []
        func append(_ text: String) {
            let utf8 = text.utf8
            let length = UInt32(utf8.count).littleEndian
            withUnsafeBytes(of: length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        dataset.concepts.forEach(append)
        dataset.ids.forEach(append)
        dataset.groups?.forEach(append)
        return bytes
    }

    private static func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }

    /// Where the sections of a dataset with these dimensions start.
    struct Layout {
        let labelsOffset: Int
        let padding: Int
        let stringsOffset: Int

        /// Offsets for a dataset already in memory (its sizes cannot overflow).
        init(rows: Int, features: Int, concepts: Int) {
            self.init(labelsOffset: headerLength + 4 * rows * features, labelsLength: rows * concepts)
        }

        init(labelsOffset: Int, labelsLength: Int) {
            let end = labelsOffset + labelsLength
            self.labelsOffset = labelsOffset
            self.padding = (8 - end % 8) % 8
            self.stringsOffset = end + padding
        }
    }
}
