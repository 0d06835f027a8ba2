/// `--split group`: a group never appears in two folds; folds balanced by rows, scikit-learn
/// `GroupKFold` (without `shuffle`) with seeded tie-breaking.
///
/// Groups are taken largest first, each into the fold holding the fewest rows so far (the
/// lowest-numbered such fold on a tie, as NumPy's `argmin`). Groups of equal size are taken in an
/// order drawn from the repeat's generator: a Fisher-Yates permutation of the groups (numbered by
/// first appearance), then a sort by size, descending, that keeps the permuted order among equal
/// sizes. scikit-learn orders equal sizes by reversed sorted group name instead; the rows per fold
/// are the same either way, because they depend only on the sorted sizes.
///
/// When all groups differ in size the plan is scikit-learn's exactly and the same for every seed, so
/// repeats only differ where groups of equal size exist.
struct GroupSplitter: FoldSplitter {
    let folds: Int
    /// Group index (by first appearance) of every row.
    let groupOfRow: [Int]
    /// Rows per group.
    let groupSizes: [Int]

    init(groups: [String], folds: Int) {
        var index: [String: Int] = [:]
        var groupOfRow: [Int] = []
        var sizes: [Int] = []
        groupOfRow.reserveCapacity(groups.count)
        for name in groups {
            if let g = index[name] {
                groupOfRow.append(g)
                sizes[g] += 1
            } else {
                index[name] = sizes.count
                groupOfRow.append(sizes.count)
                sizes.append(1)
            }
        }
        self.folds = folds
        self.groupOfRow = groupOfRow
        self.groupSizes = sizes
    }

    func assign(using random: inout SeededRandom) -> [Int32] {
        let drawn = random.permutation(of: groupSizes.count)
        // Sort keys are total (size, then drawn position), so the result does not depend on the
        // stability of the standard library's sort.
        let order = drawn.indices.sorted { a, b in
            let sizeA = groupSizes[drawn[a]], sizeB = groupSizes[drawn[b]]
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }.map { drawn[$0] }

        var rowsInFold = [Int](repeating: 0, count: folds)
        var foldOfGroup = [Int32](repeating: 0, count: groupSizes.count)
        for group in order {
            var lightest = 0
            for f in 1..<folds where rowsInFold[f] < rowsInFold[lightest] { lightest = f }
            rowsInFold[lightest] += groupSizes[group]
            foldOfGroup[group] = Int32(lightest)
        }
        return groupOfRow.map { foldOfGroup[$0] }
    }
}
