/// The checked 64-byte header of a canonical dataset: its sizes and where each section starts.
///
/// Every size is checked for overflow and against the total byte count before anything is
/// allocated, since the header may come from an untrusted peer.
struct CanonicalLayout {
    let rows: Int
    let featureCount: Int
    let conceptCount: Int
    let isMultiLabel: Bool
    let hasGroups: Bool
    /// Number of feature values, rows × features.
    let cells: Int
    let labelsOffset: Int
    let labelsEnd: Int
    let stringsOffset: Int
    /// The byte count of the whole dataset.
    let total: Int

    /// Reads the header in `header` (at least 64 bytes) of a dataset that is `byteCount` bytes long.
    init(header: UnsafeRawBufferPointer, byteCount: Int, file: String) throws(DatasetError) {
        let headerLength = CanonicalDataset.headerLength
        guard byteCount >= headerLength, header.count >= headerLength else {
            throw CanonicalDataset.damaged("\(byteCount) bytes, shorter than the \(headerLength)-byte header", file: file)
        }
        guard header.prefix(8).elementsEqual(CanonicalDataset.magic) else {
            throw DatasetError(.unknownFormat, file: file, "not a crossfold canonical dataset (the first bytes are not its magic)",
                               fix: "Give a .cfds file written by crossfold, or name the file with its real format's extension.")
        }
        let version = CanonicalLayout.load(UInt32.self, header, 8)
        guard version == CanonicalDataset.version else {
            throw DatasetError(.unknownFormat, file: file,
                               "canonical format version \(version), while this crossfold reads version \(CanonicalDataset.version)",
                               fix: "Use the same crossfold version everywhere, or re-create the file with this one.")
        }
        let flags = CanonicalLayout.load(UInt32.self, header, 12)
        guard flags & ~(CanonicalDataset.multiLabelFlag | CanonicalDataset.groupsFlag) == 0 else {
            throw CanonicalDataset.damaged("unknown flags \(flags)", file: file)
        }
        guard header[48..<64].allSatisfy({ $0 == 0 }) else {
            throw CanonicalDataset.damaged("reserved header bytes are not zero", file: file)
        }
        guard let rows = Int(exactly: CanonicalLayout.load(UInt64.self, header, 16)),
              let featureCount = Int(exactly: CanonicalLayout.load(UInt64.self, header, 24)),
              let conceptCount = Int(exactly: CanonicalLayout.load(UInt64.self, header, 32)),
              let stringsLength = Int(exactly: CanonicalLayout.load(UInt64.self, header, 40)),
              let cells = CanonicalLayout.multiply(rows, featureCount),
              let featureBytes = CanonicalLayout.multiply(cells, 4),
              let labelsLength = CanonicalLayout.multiply(rows, conceptCount),
              let labelsOffset = CanonicalLayout.add(headerLength, featureBytes),
              let labelsEnd = CanonicalLayout.add(labelsOffset, labelsLength),
              let stringsOffset = CanonicalLayout.add(labelsEnd, (8 - labelsEnd % 8) % 8),
              let total = CanonicalLayout.add(stringsOffset, stringsLength)
        else { throw CanonicalDataset.damaged("the header's sizes are impossibly large", file: file) }
        guard total == byteCount else {
            throw CanonicalDataset.damaged(total > byteCount
                ? "the header describes \(total) bytes but there are only \(byteCount) (truncated)"
                : "the header describes \(total) bytes but there are \(byteCount) (trailing bytes)", file: file)
        }
        let hasGroups = flags & CanonicalDataset.groupsFlag != 0
        // Each string takes at least its 4-byte length. Both counts are at most stringsLength / 4
        // before the sum is formed, so it cannot overflow.
        guard conceptCount <= stringsLength / 4, rows <= stringsLength / 4,
              conceptCount + rows * (hasGroups ? 2 : 1) <= stringsLength / 4 else {
            throw CanonicalDataset.damaged("the string section is too short for \(conceptCount) concepts and \(rows) rows", file: file)
        }
        self.rows = rows
        self.featureCount = featureCount
        self.conceptCount = conceptCount
        self.isMultiLabel = flags & CanonicalDataset.multiLabelFlag != 0
        self.hasGroups = hasGroups
        self.cells = cells
        self.labelsOffset = labelsOffset
        self.labelsEnd = labelsEnd
        self.stringsOffset = stringsOffset
        self.total = total
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }

    private static func add(_ a: Int, _ b: Int) -> Int? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }
}
