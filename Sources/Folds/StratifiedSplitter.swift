/// `--split stratified`: scikit-learn `StratifiedKFold(shuffle=True)` allocation (scikit-learn >= 0.22).
///
/// 1. Classes are numbered by first appearance in row order (scikit-learn re-encodes `np.unique`'s
///    lexicographic codes the same way), so the allocation does not depend on concept names.
/// 2. The encoded labels are sorted and dealt round-robin to the folds: fold `f` receives positions
///    `f, f + K, f + 2K, ...` of the sorted vector, so `allocation[f][c]` is the number of those
///    positions that hold class `c` (scikit-learn: `bincount(y_sorted[f::K])`).
/// 3. For each class in encoded order, the multiset of fold labels `[0 × allocation[0][c], 1 ×
///    allocation[1][c], ...]` is shuffled with the repeat's generator and given to the class's rows
///    in row order.
///
/// The per-fold per-class counts are therefore exactly scikit-learn's for any seed; which row lands in
/// which fold differs, because NumPy's shuffle is not the one used here.
struct StratifiedSplitter: FoldSplitter {
    let folds: Int
    /// Rows of each encoded class, in row order.
    let rowsOfClass: [[Int]]
    /// `allocation[f][c]`: rows of encoded class `c` in fold `f`.
    let allocation: [[Int]]
    let rowCount: Int

    /// Prepares the split for `classOfRow[i]`, any non-negative class id per row.
    init(classOfRow: [Int], folds: Int) {
        var code: [Int: Int] = [:]
        var rowsOfClass: [[Int]] = []
        for (row, label) in classOfRow.enumerated() {
            if let c = code[label] {
                rowsOfClass[c].append(row)
            } else {
                code[label] = rowsOfClass.count
                rowsOfClass.append([row])
            }
        }
        self.folds = folds
        self.rowsOfClass = rowsOfClass
        self.rowCount = classOfRow.count
        self.allocation = Self.allocation(classCounts: rowsOfClass.map(\.count), folds: folds)
    }

    /// scikit-learn's round-robin allocation over the sorted encoded labels, computed from the counts:
    /// class `c` occupies sorted positions `[start, start + count)`, and fold `f` takes the positions
    /// congruent to `f` modulo `folds`.
    static func allocation(classCounts: [Int], folds: Int) -> [[Int]] {
        // Positions p in 0..<x with p % folds == f.
        func positions(below x: Int, fold f: Int) -> Int { x / folds + (x % folds > f ? 1 : 0) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: classCounts.count), count: folds)
        var start = 0
        for (c, count) in classCounts.enumerated() {
            for f in 0..<folds {
                table[f][c] = positions(below: start + count, fold: f) - positions(below: start, fold: f)
            }
            start += count
        }
        return table
    }

    func assign(using random: inout SeededRandom) -> [Int32] {
        var fold = [Int32](repeating: 0, count: rowCount)
        for (c, rows) in rowsOfClass.enumerated() {
            var labels: [Int32] = []
            labels.reserveCapacity(rows.count)
            for f in 0..<folds {
                labels.append(contentsOf: repeatElement(Int32(f), count: allocation[f][c]))
            }
            random.shuffle(&labels)
            for (row, label) in zip(rows, labels) { fold[row] = label }
        }
        return fold
    }
}
