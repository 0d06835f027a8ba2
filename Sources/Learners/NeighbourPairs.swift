import CBLAS
import Datasets
import Dispatch
import Synchronization

/// The `knn` neighbours of every fold of a repeat, with each pair of rows in different folds
/// compared once.
///
/// Fold f's held-out rows need their most similar rows among the other folds: fold by fold that is
/// |f| × (N − |f|) similarities, N²(K−1)/K for the K folds, every pair of rows twice. Here the pairs
/// are cut into tiles, a chunk of fold a's rows against a chunk of fold b's (a < b), and one tile's
/// similarities serve both sides: a's rows keep their best among the chunk of b's, and b's rows
/// their best among the chunk of a's. A fold needs only the tiles it is in; the folds a worker process
/// runs share tiles through `PartitionStatisticsMemo` (the first to need a tile computes it, the others
/// wait for it or find it done), so the K folds together cost N²(K−1)/(2K).
///
/// The result does not depend on who computed what: a tile's similarities come from the same
/// products whoever computes it (its chunks are a function of the folds' sizes and the feature
/// count), and each row keeps its best by a strict order (greater similarity, then lower row index)
/// that does not depend on the order tiles arrive in. A fold's neighbours are the same bits with or
/// without the memo, whichever folds ran before, on any number of threads.
final class NeighbourPairs: Sendable {
    /// Neighbours each row keeps: the learner's k, at most the dataset's rows.
    let kept: Int
    /// Every fold's rows, increasing.
    let foldRows: [[Int]]
    /// Rows per chunk of a fold.
    let chunkRows: Int
    private let featureCount: Int
    /// Tile `t` compares chunk `p` of fold `a` with chunk `q` of fold `b`, `a < b`.
    private let tiles: [(a: Int, p: Int, b: Int, q: Int)]
    /// The tiles each fold needs, in the order its threads take them.
    private let tilesOfFold: [[Int]]
    /// The best so far of each chunk of each fold; fold f's chunks start at `firstList[f]`.
    private let lists: [BestLists]
    private let firstList: [Int]
    private let state: Mutex<State>
    /// Tiles computed so far (tests: each tile once, however many folds need it).
    let computedTiles = Atomic<Int>(0)

    private enum Slot {
        case waiting
        case computing(DispatchGroup)
        case done
    }

    private struct State {
        var slots: [Slot]
        /// Per fold, where the search for a waiting tile resumes; reset when a tile is put back.
        var cursors: [Int]
    }

    /// Test rows per product: 256 rows against 512 give 512 KiB of similarities, which stay in L2.
    static let productRows = 256
    static let productColumns = 512
    /// Neighbours per row up to which folds share their pairs; past it every fold is predicted on its
    /// own (`NearestNeighboursModel`), since each row keeps `kept` neighbours per tile.
    static let largestShared = 256

    /// Rows per chunk for rows of `featureCount` features: about 1 MiB of normalised rows per chunk, a
    /// multiple of `productColumns` between 512 and 4,096.
    static func chunkRows(featureCount: Int) -> Int {
        let byMemory = (1 << 20) / (4 * max(1, featureCount))
        return min(4096, max(productColumns, byMemory / productColumns * productColumns))
    }

    /// About the bytes the pairs of `partitions` hold for `neighbours` neighbours, what the memo
    /// counts: each row's best list and its place in its fold, and each tile's state.
    static func bytes(_ partitions: FoldPartitions, featureCount: Int, neighbours: Int) -> Int {
        let rows = partitions.rowFolds.count
        let chunks = chunkCounts(partitions, featureCount: featureCount)
        let all = chunks.reduce(0, +)
        let tiles = (all * all - chunks.reduce(0) { $0 + $1 * $1 }) / 2
        return rows * (max(1, min(neighbours, rows)) * 8 + 8) + tiles * 64
    }

    /// Chunks of each fold's rows.
    private static func chunkCounts(_ partitions: FoldPartitions, featureCount: Int) -> [Int] {
        var sizes = [Int](repeating: 0, count: partitions.folds)
        for fold in partitions.rowFolds { sizes[Int(fold)] += 1 }
        let chunk = chunkRows(featureCount: featureCount)
        return sizes.map { ($0 + chunk - 1) / chunk }
    }

    /// The pairs of `partitions` of a dataset of `featureCount` features, for `neighbours` neighbours;
    /// nothing is computed until a fold asks (`neighbours(of:...)`).
    init(partitions: FoldPartitions, featureCount: Int, neighbours: Int) {
        self.featureCount = featureCount
        let kept = max(1, min(neighbours, partitions.rowFolds.count))
        self.kept = kept
        var rowsOfFold = [[Int]](repeating: [], count: partitions.folds)
        for (row, fold) in partitions.rowFolds.enumerated() { rowsOfFold[Int(fold)].append(row) }
        foldRows = rowsOfFold
        let chunk = Self.chunkRows(featureCount: featureCount)
        chunkRows = chunk
        let chunks = Self.chunkCounts(partitions, featureCount: featureCount)
        var first: [Int] = []
        var total = 0
        for count in chunks {
            first.append(total)
            total += count
        }
        firstList = first
        lists = (0..<partitions.folds).flatMap { fold in
            (0..<chunks[fold]).map { p in
                BestLists(rows: min(chunk, rowsOfFold[fold].count - p * chunk), kept: kept)
            }
        }
        var tiles: [(a: Int, p: Int, b: Int, q: Int)] = []
        var ofFold = [[Int]](repeating: [], count: partitions.folds)
        for a in 0..<partitions.folds {
            for b in (a + 1)..<max(a + 1, partitions.folds) {
                for p in 0..<chunks[a] {
                    for q in 0..<chunks[b] {
                        ofFold[a].append(tiles.count)
                        ofFold[b].append(tiles.count)
                        tiles.append((a, p, b, q))
                    }
                }
            }
        }
        self.tiles = tiles
        tilesOfFold = ofFold
        state = Mutex(State(slots: Array(repeating: .waiting, count: tiles.count), cursors: Array(repeating: 0, count: partitions.folds)))
    }

    var tileCount: Int { tiles.count }

    /// The tiles fold `fold` is in: its chunks against every other fold's.
    func tileCount(of fold: Int) -> Int { tilesOfFold[fold].count }

    /// Each held-out row of `fold` with its `kept` best rows of the other folds (similarity, row),
    /// best first, `foldRows[fold].count × kept` of each; slots past the other folds' row count hold
    /// −∞ and row −1. Computes the fold's tiles nobody has started on up to `lanes` threads, then waits
    /// for the ones others are computing. Throws `cancelled` (its tiles left for others).
    ///
    /// `dataset` is the one the partitions were made for (the memo's key names it); the pairs do not
    /// keep it, so a memo entry never holds a dataset's memory.
    func neighbours(of fold: Int, in dataset: Dataset, lanes: Int, cancellation: FoldCancellation) throws(LearnerError) -> (
        similarity: [Float], row: [Int32]
    ) {
        let failures = Mutex<LearnerError?>(nil)
        BlockRunner.run(blocks: lanes, lanes: lanes) { _, _ in
            do throws(LearnerError) {
                try work(fold: fold, dataset: dataset, cancellation: cancellation)
            } catch {
                failures.withLock { $0 = $0 ?? error }
            }
        }
        if let failure = failures.withLock({ $0 }) { throw failure }
        var similarity: [Float] = []
        var row: [Int32] = []
        similarity.reserveCapacity(foldRows[fold].count * kept)
        row.reserveCapacity(foldRows[fold].count * kept)
        let end = fold + 1 < firstList.count ? firstList[fold + 1] : lists.count
        for list in lists[firstList[fold]..<end] {
            list.read { s, r in
                similarity.append(contentsOf: s)
                row.append(contentsOf: r)
            }
        }
        return (similarity, row)
    }

    private enum Step {
        case compute(Int, DispatchGroup)
        case wait(DispatchGroup)
        case finished
    }

    /// One thread's share of a fold: tiles nobody has started, then waiting for the rest.
    private func work(fold: Int, dataset: Dataset, cancellation: FoldCancellation) throws(LearnerError) {
        let scratch = TileScratch(chunkRows: chunkRows, featureCount: featureCount, kept: kept)
        defer { scratch.deallocate() }
        let mine = tilesOfFold[fold]
        while true {
            try cancellation.check()
            let step: Step = state.withLock { state in
                while state.cursors[fold] < mine.count {
                    let t = mine[state.cursors[fold]]
                    if case .waiting = state.slots[t] {
                        let group = DispatchGroup()
                        group.enter()
                        state.slots[t] = .computing(group)
                        return .compute(t, group)
                    }
                    state.cursors[fold] += 1
                }
                for t in mine {
                    if case .computing(let group) = state.slots[t] { return .wait(group) }
                }
                return .finished
            }
            switch step {
            case .compute(let t, let group):
                defer { group.leave() }
                do {
                    try compute(tile: t, dataset: dataset, scratch: scratch, cancellation: cancellation)
                    state.withLock { $0.slots[t] = .done }
                    computedTiles.add(1, ordering: .relaxed)
                } catch {
                    state.withLock { state in
                        state.slots[t] = .waiting
                        for f in state.cursors.indices { state.cursors[f] = 0 }
                    }
                    throw error
                }
            case .wait(let group):
                group.wait()
            case .finished:
                return
            }
        }
    }

    /// Compares chunk p of fold a with chunk q of fold b and merges both sides' best into the lists.
    /// A cancelled tile merges nothing.
    private func compute(
        tile t: Int, dataset: Dataset, scratch: TileScratch, cancellation: FoldCancellation
    ) throws(LearnerError) {
        let (a, p, b, q) = tiles[t]
        let aRows = foldRows[a][(p * chunkRows)..<min(foldRows[a].count, (p + 1) * chunkRows)]
        let bRows = foldRows[b][(q * chunkRows)..<min(foldRows[b].count, (q + 1) * chunkRows)]
        let d = featureCount
        let k = kept
        if scratch.gatheredA != [a, p] {
            gather(aRows, of: dataset, into: scratch.a)
            scratch.gatheredA = [a, p]
        }
        gather(bRows, of: dataset, into: scratch.b)
        scratch.aSimilarity.update(repeating: -.infinity, count: aRows.count * k)
        scratch.aRow.update(repeating: -1, count: aRows.count * k)
        scratch.bSimilarity.update(repeating: -.infinity, count: bRows.count * k)
        scratch.bRow.update(repeating: -1, count: bRows.count * k)
        // A candidate below a row's k-th best so far can never be among its best: only those at or
        // above it are kept, which leaves each list's merged result the same and skips most inserts.
        let aList = lists[firstList[a] + p]
        let bList = lists[firstList[b] + q]
        aList.gates(into: scratch.aThreshold)
        bList.gates(into: scratch.bThreshold)

        let m = Self.productRows
        let n = Self.productColumns
        for i0 in stride(from: 0, to: aRows.count, by: m) {
            try cancellation.check()
            let rowsHere = min(m, aRows.count - i0)
            for j0 in stride(from: 0, to: bRows.count, by: n) {
                let columnsHere = min(n, bRows.count - j0)
                MatrixProduct.multiply(
                    scratch.a + i0 * d, lda: d, scratch.b + j0 * d, transposeB: true, ldb: d,
                    into: scratch.product, ldc: columnsHere, m: rowsHere, n: columnsHere, k: d
                )
                scan(
                    scratch, rows: i0..<(i0 + rowsHere), columns: j0..<(j0 + columnsHere), aRows: aRows, bRows: bRows)
            }
        }
        aList.merge(similarity: scratch.aSimilarity, row: scratch.aRow)
        bList.merge(similarity: scratch.bSimilarity, row: scratch.bRow)
    }

    /// One product's similarities into both sides' best: row i's among the columns, column j's among
    /// the rows. Candidates reach each list in increasing row order, so a tie keeps the lower row.
    @inline(__always)
    private func scan(
        _ scratch: TileScratch, rows: Range<Int>, columns: Range<Int>, aRows: ArraySlice<Int>, bRows: ArraySlice<Int>
    ) {
        let k = kept
        let width = columns.count
        let aBase = aRows.startIndex
        let bBase = bRows.startIndex
        for i in rows {
            let line = UnsafePointer(scratch.product + (i - rows.lowerBound) * width)
            let aSimilarity = scratch.aSimilarity + i * k
            let aRow = scratch.aRow + i * k
            var aThreshold = scratch.aThreshold[i]
            let rowIndex = Int32(aRows[aBase + i])
            let bThreshold = scratch.bThreshold + columns.lowerBound
            var j = Int(crossfold_first_candidate(line, bThreshold, aThreshold, 0, Int32(width)))
            while j < width {
                let s = line[j]
                if s > aThreshold {
                    Self.insert(s, row: Int32(bRows[bBase + columns.lowerBound + j]), similarity: aSimilarity, rowOf: aRow, k: k)
                    aThreshold = max(aThreshold, aSimilarity[k - 1])
                }
                if s > bThreshold[j] {
                    let column = columns.lowerBound + j
                    Self.insert(s, row: rowIndex, similarity: scratch.bSimilarity + column * k, rowOf: scratch.bRow + column * k, k: k)
                    bThreshold[j] = max(bThreshold[j], scratch.bSimilarity[column * k + k - 1])
                }
                j = Int(crossfold_first_candidate(line, bThreshold, aThreshold, Int32(j + 1), Int32(width)))
            }
            scratch.aThreshold[i] = aThreshold
        }
    }

    /// Puts a candidate better than the last of a sorted list (best first) in its place, after any
    /// equal ones; the last drops out.
    @inline(__always)
    static func insert(
        _ s: Float, row: Int32, similarity: UnsafeMutablePointer<Float>, rowOf: UnsafeMutablePointer<Int32>, k: Int
    ) {
        var slot = k - 1
        while slot > 0, similarity[slot - 1] < s {
            similarity[slot] = similarity[slot - 1]
            rowOf[slot] = rowOf[slot - 1]
            slot -= 1
        }
        similarity[slot] = s
        rowOf[slot] = row
    }

    private func gather(_ rows: ArraySlice<Int>, of dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) {
        let d = featureCount
        dataset.features.withUnsafeBufferPointer { x in
            guard let source = x.baseAddress else { return }
            for (slot, row) in rows.enumerated() {
                RowGatherer.normalize(source + row * d, into: buffer + slot * d, count: d)
            }
        }
    }
}

/// The best `kept` neighbours (similarity, row) of each row of one chunk, sorted best first, behind a
/// lock: tiles computed on different threads merge into it.
final class BestLists: Sendable {
    private let lists: Mutex<(similarity: [Float], row: [Int32])>
    private let kept: Int

    init(rows: Int, kept: Int) {
        self.kept = kept
        lists = Mutex((Array(repeating: -.infinity, count: rows * kept), Array(repeating: -1, count: rows * kept)))
    }

    /// Keeps, row by row, the best `kept` of the lists and `similarity`/`row` (same layout, each row's
    /// sorted best first), by greater similarity, then lower row.
    func merge(similarity: UnsafePointer<Float>, row: UnsafePointer<Int32>) {
        let k = kept
        lists.withLock { lists in
            let rows = lists.similarity.count / k
            var mergedSimilarity = [Float](repeating: 0, count: k)
            var mergedRow = [Int32](repeating: 0, count: k)
            for r in 0..<rows {
                let base = r * k
                var i = 0
                var j = 0
                for slot in 0..<k {
                    let old = lists.similarity[base + i]
                    let new = similarity[base + j]
                    // Rows are distinct, and unfilled slots (−∞, row −1) tie only with each other.
                    let takeNew = new > old || (new == old && row[base + j] < lists.row[base + i])
                    if takeNew {
                        mergedSimilarity[slot] = new
                        mergedRow[slot] = row[base + j]
                        j += 1
                    } else {
                        mergedSimilarity[slot] = old
                        mergedRow[slot] = lists.row[base + i]
                        i += 1
                    }
                }
                for slot in 0..<k {
                    lists.similarity[base + slot] = mergedSimilarity[slot]
                    lists.row[base + slot] = mergedRow[slot]
                }
            }
        }
    }

    /// Each row's gate for new candidates: just below its k-th best so far (−∞ while a slot is
    /// unfilled), so a candidate passes when it is at least that good.
    func gates(into gate: UnsafeMutablePointer<Float>) {
        let k = kept
        lists.withLock { lists in
            for r in 0..<(lists.similarity.count / k) { gate[r] = lists.similarity[r * k + k - 1].nextDown }
        }
    }

    func read(_ body: (ArraySlice<Float>, ArraySlice<Int32>) -> Void) {
        lists.withLock { body($0.similarity[...], $0.row[...]) }
    }
}

/// One thread's buffers for tiles: both chunks normalised, one product, both sides' best.
private final class TileScratch {
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let product: UnsafeMutablePointer<Float>
    let aSimilarity: UnsafeMutablePointer<Float>
    let aRow: UnsafeMutablePointer<Int32>
    let bSimilarity: UnsafeMutablePointer<Float>
    let bRow: UnsafeMutablePointer<Int32>
    /// Per row of each side, what a candidate must exceed: its k-th best so far, in the tile or before.
    let aThreshold: UnsafeMutablePointer<Float>
    let bThreshold: UnsafeMutablePointer<Float>
    /// Fold and chunk `a` holds, so consecutive tiles of one chunk gather it once.
    var gatheredA: [Int] = []

    init(chunkRows: Int, featureCount: Int, kept: Int) {
        a = .allocate(capacity: chunkRows * featureCount)
        b = .allocate(capacity: chunkRows * featureCount)
        product = .allocate(capacity: NeighbourPairs.productRows * NeighbourPairs.productColumns)
        aSimilarity = .allocate(capacity: chunkRows * kept)
        aRow = .allocate(capacity: chunkRows * kept)
        bSimilarity = .allocate(capacity: chunkRows * kept)
        bRow = .allocate(capacity: chunkRows * kept)
        aThreshold = .allocate(capacity: chunkRows)
        bThreshold = .allocate(capacity: chunkRows + 16)
    }

    func deallocate() {
        a.deallocate()
        b.deallocate()
        product.deallocate()
        aSimilarity.deallocate()
        aRow.deallocate()
        bSimilarity.deallocate()
        bRow.deallocate()
        aThreshold.deallocate()
        bThreshold.deallocate()
    }
}
