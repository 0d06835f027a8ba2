#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects the concepts of each row while a reader walks a file, then lays them out as the
/// dataset's 0/1 concept matrix with the concepts in canonical order (sorted by UTF-8 bytes).
///
/// Concepts get a provisional index in order of appearance, so the matrix is only built once the
/// whole file has been read and the full set is known.
struct ConceptTable {
    private var indexByName: [String: Int32] = [:]
    private(set) var names: [String] = []
    /// Positive concepts of every finished row, back to back; `rowEnds[r]` is where row r stops.
    private var positives: [Int32] = []
    private var rowEnds: [Int] = []
    private var rowStart = 0
    /// Per concept (provisional index), the last row that named it positive and negative: a row
    /// naming thousands of concepts is read in linear time, not quadratic.
    private var positiveRow: [Int] = []
    private var negativeRow: [Int] = []

    /// Number of finished rows.
    var rowCount: Int { rowEnds.count }

    /// Whether some finished row has a number of positive concepts other than one.
    private(set) var hasRowWithoutExactlyOnePositive = false

    init(expectedRows: Int = 0) {
        rowEnds.reserveCapacity(expectedRows)
        positives.reserveCapacity(expectedRows)
    }

    /// The provisional index of `name`, adding it as a concept when it is new. Concepts named only
    /// as explicit negatives still become columns.
    @discardableResult
    mutating func intern(_ name: String) -> Int32 {
        if let index = indexByName[name] { return index }
        let index = Int32(names.count)
        indexByName[name] = index
        names.append(name)
        positiveRow.append(-1)
        negativeRow.append(-1)
        return index
    }

    /// Marks `concept` positive in the current row; naming it twice is harmless.
    mutating func addPositive(_ concept: Int32) {
        guard positiveRow[Int(concept)] != rowCount else { return }
        positiveRow[Int(concept)] = rowCount
        positives.append(concept)
    }

    /// Whether `concept` is already positive in the current row.
    func currentRowHasPositive(_ concept: Int32) -> Bool {
        positiveRow[Int(concept)] == rowCount
    }

    /// Records `concept` as an explicit negative of the current row (JSONL `"value": 0`). It
    /// stays a column of the matrix, with a 0 in this row.
    mutating func addNegative(_ concept: Int32) {
        negativeRow[Int(concept)] = rowCount
    }

    /// Whether `concept` is an explicit negative of the current row.
    func currentRowHasNegative(_ concept: Int32) -> Bool {
        negativeRow[Int(concept)] == rowCount
    }

    /// Closes the current row.
    mutating func endRow() {
        if positives.count - rowStart != 1 { hasRowWithoutExactlyOnePositive = true }
        rowEnds.append(positives.count)
        rowStart = positives.count
    }

    /// Matrices up to this many bytes are built without question (and validated afterwards).
    static let unquestionedMatrixBytes = 64 << 20

    /// The concepts in canonical order and the row-major `rowCount × concepts.count` matrix.
    ///
    /// The matrix grows with rows times concepts, so a small file can ask for an enormous one (a
    /// 3 MB CSV whose 300,000 rows each name a new concept asks for 90 GB). Before allocating a
    /// large matrix this checks that it is worth building.
    /// - Throws: `DatasetError` `too-few-inputs-per-concept` when the matrix is over 64 MiB and
    ///   some concept has fewer positive inputs than Clarifai's minimum (the dataset could never
    ///   validate; typically ids or free text in the label column), and `too-large` when it would
    ///   take more than half of this machine's memory.
    func matrix(file: String) throws(DatasetError) -> (concepts: [String], labels: [UInt8]) {
        try checkMatrixSize(file: file)
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var column = [Int](repeating: 0, count: names.count)
        for (sortedIndex, provisional) in order.enumerated() { column[provisional] = sortedIndex }
        let width = names.count
        var labels = [UInt8](repeating: 0, count: rowEnds.count * width)
        labels.withUnsafeMutableBufferPointer { matrix in
            var start = 0
            for (row, end) in rowEnds.enumerated() {
                for k in start..<end { matrix[row * width + column[Int(positives[k])]] = 1 }
                start = end
            }
        }
        return (order.map { names[$0] }, labels)
    }
}

extension ConceptTable {
    private func checkMatrixSize(file: String) throws(DatasetError) {
        let (bytes, overflow) = rowCount.multipliedReportingOverflow(by: names.count)
        guard overflow || bytes > Self.unquestionedMatrixBytes else { return }
        var counts = [Int](repeating: 0, count: names.count)
        for concept in positives { counts[Int(concept)] += 1 }
        let minimum = DatasetValidator.minimumPositivesPerConcept
        let short = counts.indices.filter { counts[$0] < minimum }
        if let fewest = short.min(by: { counts[$0] < counts[$1] }) {
            throw DatasetError(
                .tooFewInputs, file: file,
                "the file names \(names.count) concepts for \(rowCount) inputs and \(short.count) of them have fewer than "
                    + "the \(minimum) positive inputs required (concept \(DatasetError.quoted(names[fewest])) has "
                    + "\(counts[fewest]))",
                fix: "Label at least \(minimum) inputs with each concept; if the label column holds ids or free text, "
                    + "put the concept ids there instead.")
        }
        // The matrix is held twice while the canonical form is made (hashing, shipping).
        let memory = Self.physicalMemory
        guard !overflow, bytes <= memory / 2 else {
            let needed = overflow ? "more than \(Int.max)" : "\(bytes)"
            throw DatasetError(
                .tooLarge, file: file,
                "the concept matrix of \(rowCount) inputs × \(names.count) concepts needs \(needed) bytes, "
                    + "more than half of this machine's \(memory) bytes of memory",
                fix: "Use fewer concepts or inputs, or a machine with more memory.")
        }
    }

    /// Bytes of physical memory, or `Int.max` when the system does not say.
    static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return Int.max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }
}
