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

    /// The concepts in canonical order and the row-major `rowCount × concepts.count` matrix.
    func matrix() -> (concepts: [String], labels: [UInt8]) {
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
