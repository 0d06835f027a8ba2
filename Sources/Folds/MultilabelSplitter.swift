import Datasets

/// `--split multilabel`: iterative stratification (Sechidis, Tsoumakas and Vlahavas, "On the
/// Stratification of Multi-Label Data", ECML PKDD 2011, Algorithm 1) with equal fold proportions.
///
/// Per repeat:
/// 1. The rows are permuted with the repeat's generator; every later "in order" means this order.
/// 2. Each fold desires `n / K` rows in all and `n_c / K` positives of each concept `c` (kept as
///    integers scaled by `K`, so no floating point decides anything).
/// 3. While some concept has unassigned positives: take the concept with the fewest unassigned
///    positives (a tie is broken by a draw among the tied concepts in concept order); give each of
///    its unassigned rows, in order, to the fold that most desires that concept, breaking ties by the
///    fold that most desires rows in all, then by a draw among the still-tied folds in fold order;
///    the row then counts against that fold's desire for every one of its concepts.
/// 4. Rows with no positive concept are dealt last, in order, the same way as a concept of their
///    own, so every fold gets `floor` or `ceil` of their count / K; ties go to the folds that most
///    desire rows in all. (The paper leaves them out; trent-b's `iterative-stratification` instead
///    uses them only to fill fold sizes.)
///
/// Draws happen only at ties, so the generator's use depends on the data; the order is fixed above.
struct MultilabelSplitter: FoldSplitter {
    let folds: Int
    let rowCount: Int
    let conceptCount: Int
    /// Concepts of row `i` are `conceptIndex[rowStart[i]..<rowStart[i + 1]]`.
    let rowStart: [Int]
    let conceptIndex: [Int]
    let positiveCounts: [Int]

    init(dataset: Dataset, folds: Int) {
        var rowStart = [0]
        var conceptIndex: [Int] = []
        rowStart.reserveCapacity(dataset.rowCount + 1)
        for row in 0..<dataset.rowCount {
            for c in 0..<dataset.conceptCount where dataset.isPositive(row: row, concept: c) {
                conceptIndex.append(c)
            }
            rowStart.append(conceptIndex.count)
        }
        self.folds = folds
        self.rowCount = dataset.rowCount
        self.conceptCount = dataset.conceptCount
        self.rowStart = rowStart
        self.conceptIndex = conceptIndex
        self.positiveCounts = dataset.positiveCounts
    }

    func assign(using random: inout SeededRandom) -> [Int32] {
        let order = random.permutation(of: rowCount)
        var rowsOfConcept = positiveCounts.map { count -> [Int] in
            var rows: [Int] = []
            rows.reserveCapacity(count)
            return rows
        }
        var unlabelledRows: [Int] = []
        for row in order {
            if rowStart[row] == rowStart[row + 1] { unlabelledRows.append(row) }
            for c in conceptIndex[rowStart[row]..<rowStart[row + 1]] { rowsOfConcept[c].append(row) }
        }

        // Desires scaled by K: K·(n_c/K − placed) = n_c − K·placed.
        var conceptDesire = [Int](repeating: 0, count: folds * conceptCount)
        for f in 0..<folds {
            for c in 0..<conceptCount { conceptDesire[f * conceptCount + c] = positiveCounts[c] }
        }
        var rowDesire = [Int](repeating: rowCount, count: folds)
        var remaining = positiveCounts
        var fold = [Int32](repeating: -1, count: rowCount)
        var tied: [Int] = []
        tied.reserveCapacity(max(folds, conceptCount))

        while let concept = rarestConcept(remaining: remaining, tied: &tied, random: &random) {
            for row in rowsOfConcept[concept] where fold[row] < 0 {
                let f = mostDesiringFold(
                    desire: { conceptDesire[$0 * conceptCount + concept] }, rowDesire: rowDesire,
                    tied: &tied, random: &random)
                fold[row] = Int32(f)
                rowDesire[f] -= folds
                for c in conceptIndex[rowStart[row]..<rowStart[row + 1]] {
                    conceptDesire[f * conceptCount + c] -= folds
                    remaining[c] -= 1
                }
            }
        }

        var unlabelledDesire = [Int](repeating: unlabelledRows.count, count: folds)
        for row in unlabelledRows {
            let f = mostDesiringFold(
                desire: { unlabelledDesire[$0] }, rowDesire: rowDesire, tied: &tied, random: &random)
            fold[row] = Int32(f)
            rowDesire[f] -= folds
            unlabelledDesire[f] -= folds
        }
        return fold
    }

    /// The concept with the fewest unassigned positives (at least one), nil when none is left.
    private func rarestConcept(remaining: [Int], tied: inout [Int], random: inout SeededRandom) -> Int? {
        tied.removeAll(keepingCapacity: true)
        var fewest = Int.max
        for c in 0..<conceptCount where remaining[c] > 0 {
            if remaining[c] < fewest {
                fewest = remaining[c]
                tied.removeAll(keepingCapacity: true)
            }
            if remaining[c] == fewest { tied.append(c) }
        }
        return pick(from: tied, random: &random)
    }

    /// The fold with the largest `desire`, then the largest `rowDesire`, then a draw.
    private func mostDesiringFold(
        desire: (Int) -> Int, rowDesire: [Int], tied: inout [Int], random: inout SeededRandom
    ) -> Int {
        tied.removeAll(keepingCapacity: true)
        var best = Int.min
        var bestRows = Int.min
        for f in 0..<folds {
            let d = desire(f)
            if d > best || (d == best && rowDesire[f] > bestRows) {
                best = d
                bestRows = rowDesire[f]
                tied.removeAll(keepingCapacity: true)
            }
            if d == best && rowDesire[f] == bestRows { tied.append(f) }
        }
        return pick(from: tied, random: &random) ?? 0
    }

    /// The only element, or one drawn uniformly; a draw happens only when there is a choice.
    private func pick(from candidates: [Int], random: inout SeededRandom) -> Int? {
        switch candidates.count {
        case 0: nil
        case 1: candidates[0]
        default: candidates[random.nextIndex(below: candidates.count)]
        }
    }
}
