import Datasets

/// `knn`: k nearest neighbours by cosine similarity.
///
/// The score of a concept is the weighted fraction of the `k` most similar training rows that are
/// positive for it. `uniform` weighs every neighbour 1; `distance` weighs it `1 / (1 − similarity)`
/// (the cosine distance), and when some neighbours coincide with the row (distance below 1e-6) only
/// those count, as scikit-learn does with zero distances. Among equally similar training rows the one
/// with the lower row index is the nearer.
///
/// Fitting keeps the training view (no copy). Prediction takes test rows in chunks of up to 8,192,
/// normalised, and streams the training rows past them in blocks, normalised on the way; the
/// similarities of a test block against a training block come from one sgemm. Cancellation is
/// checked before each training block, so a cancelled prediction stops within one block.
///
/// A task that carries the fold of every row (`FoldPartitions`) takes another way: the folds of a
/// repeat compare each pair of rows once (`NeighbourPairs`, `predict(fold:of:...)`).
struct NearestNeighboursLearner: Learner {
    enum Weighting: String, Sendable {
        case uniform
        case distance
    }

    let neighbours: Int
    let weighting: Weighting

    static let parameters: [LearnerParameter] = [
        LearnerParameter(
            key: "k", domain: .integer(1...100_000), defaultValue: "10",
            meaning: "number of neighbours (all training rows when there are fewer)"
        ),
        LearnerParameter(
            key: "weights", domain: .choice(["uniform", "distance"]), defaultValue: "uniform",
            meaning: "uniform: each neighbour counts 1; distance: each counts 1/(1 - cosine similarity)"
        ),
    ]

    func fit(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> any FittedModel {
        guard training.count > 0 else { throw LearnerError(.trainingFailed, "knn: the training view has no rows") }
        return NearestNeighboursModel(training: training, neighbours: min(neighbours, training.count), weighting: weighting)
    }
}

extension NearestNeighboursLearner {
    /// Whether the folds of `partitions` are predicted from pairs compared once for all folds
    /// (`NeighbourPairs`): up to `NeighbourPairs.largestShared` neighbours, and the pairs' best lists
    /// and tiles within `PartitionStatisticsMemo.largestSums`. A function of the plan, the dataset's
    /// shape and k only, so every worker predicts a fold the same way.
    func sharesPairs(_ partitions: FoldPartitions, dataset: Dataset) -> Bool {
        partitions.folds >= 2 && neighbours <= NeighbourPairs.largestShared
            && NeighbourPairs.bytes(partitions, featureCount: dataset.featureCount, neighbours: neighbours)
                <= PartitionStatisticsMemo.largestSums
    }

    /// Scores of fold `fold`'s held-out rows of `partitions` (rows in increasing order), from the
    /// repeat's pairs: the tiles this fold is in that `memo` does not hold yet are computed here, on up
    /// to `lanes` threads. The same bits as without `memo`.
    func predict(
        fold: Int, of partitions: FoldPartitions, dataset: Dataset, lanes: Int, memo: PartitionStatisticsMemo?, key: String,
        cancellation: FoldCancellation
    ) throws(LearnerError) -> [Float] {
        let make = { NeighbourPairs(partitions: partitions, featureCount: dataset.featureCount, neighbours: neighbours) }
        let bytes = NeighbourPairs.bytes(partitions, featureCount: dataset.featureCount, neighbours: neighbours)
        let pairs = memo?.work(for: partitions.identity + "/" + key, bytes: bytes, make: make) ?? make()
        let best = try pairs.neighbours(of: fold, in: dataset, lanes: lanes, cancellation: cancellation)
        let rows = pairs.foldRows[fold]
        let kept = pairs.kept
        let used = min(neighbours, dataset.rowCount - rows.count)
        let c = dataset.conceptCount
        var out = [Float](repeating: 0, count: rows.count * c)
        guard used > 0 else { throw LearnerError(.trainingFailed, "knn: the training view has no rows") }
        best.similarity.withUnsafeBufferPointer { similarity in
            best.row.withUnsafeBufferPointer { row in
                out.withUnsafeMutableBufferPointer { out in
                    dataset.labels.withUnsafeBufferPointer { labels in
                        for position in rows.indices {
                            NearestNeighboursModel.score(
                                similarity: similarity.baseAddress! + position * kept, neighbours: used,
                                weighting: weighting, row: { Int(row[position * kept + $0]) }, labels: labels,
                                conceptCount: c, into: out.baseAddress! + position * c)
                        }
                    }
                }
            }
        }
        return out
    }
}

struct NearestNeighboursModel: FittedModel {
    let training: RowView
    let neighbours: Int
    let weighting: NearestNeighboursLearner.Weighting

    /// Test rows normalised and held at once; bounds the memory of a prediction whatever its size.
    static let testChunkRows = 8192
    /// Test rows per similarity product: with 512 training rows the product (512 KiB) stays in L2.
    static let testBlockRows = 256
    static let trainingBlockRows = 512

    func predict(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> [Float] {
        precondition(
            view.dataset.featureCount == training.dataset.featureCount && view.dataset.conceptCount == training.dataset.conceptCount,
            "a model predicts rows of datasets shaped like its training dataset"
        )
        let c = training.dataset.conceptCount
        let k = neighbours
        var out = [Float](repeating: 0, count: view.count * c)
        guard view.count > 0 else { return out }
        let d = training.dataset.featureCount
        let lanes = view.lanes
        let tests = RowGatherer(view: view, transform: .unitNorm, blockRows: Self.testChunkRows)
        let train = RowGatherer(view: training, transform: .unitNorm, blockRows: Self.trainingBlockRows)
        let testBlock = Self.testBlockRows
        let trainBlock = Self.trainingBlockRows
        let queries = UnsafeMutablePointer<Float>.allocate(capacity: Self.testChunkRows * d)
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: trainBlock * d)
        let similarities = UnsafeMutablePointer<Float>.allocate(capacity: lanes * testBlock * trainBlock)
        let bestSimilarity = UnsafeMutablePointer<Float>.allocate(capacity: Self.testChunkRows * k)
        let bestPosition = UnsafeMutablePointer<Int32>.allocate(capacity: Self.testChunkRows * k)
        defer {
            queries.deallocate()
            rows.deallocate()
            similarities.deallocate()
            bestSimilarity.deallocate()
            bestPosition.deallocate()
        }

        for chunk in 0..<tests.blockCount {
            let chunkPositions = tests.positions(ofBlock: chunk)
            let chunkRows = chunkPositions.count
            tests.gather(chunkPositions, into: queries)
            bestSimilarity.update(repeating: -.infinity, count: chunkRows * k)
            bestPosition.update(repeating: -1, count: chunkRows * k)
            let testBlocks = (chunkRows + testBlock - 1) / testBlock
            for block in 0..<train.blockCount {
                try cancellation.check()
                let trainPositions = train.positions(ofBlock: block)
                let trainRows = trainPositions.count
                train.gather(trainPositions, into: rows)
                // Each lane owns whole test blocks, so the rows it merges into are its own.
                BlockRunner.run(blocks: testBlocks, lanes: lanes) { testIndex, lane in
                    let start = testIndex * testBlock
                    let count = min(testBlock, chunkRows - start)
                    let s = similarities + lane * testBlock * trainBlock
                    MatrixProduct.multiply(
                        queries + start * d, lda: d, rows, transposeB: true, ldb: d, into: s, ldc: trainRows,
                        m: count, n: trainRows, k: d
                    )
                    for i in 0..<count {
                        Self.keepBest(
                            s + i * trainRows, count: trainRows, firstPosition: trainPositions.lowerBound, k: k,
                            similarity: bestSimilarity + (start + i) * k, position: bestPosition + (start + i) * k
                        )
                    }
                }
            }
            out.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                training.dataset.labels.withUnsafeBufferPointer { labels in
                    for (slot, position) in chunkPositions.enumerated() {
                        score(
                            similarity: bestSimilarity + slot * k, position: bestPosition + slot * k,
                            labels: labels, into: base + position * c
                        )
                    }
                }
            }
        }
        return out
    }

    /// Merges `count` similarities (training positions `firstPosition...`) into one test row's `k` best,
    /// kept sorted by decreasing similarity. Positions arrive in increasing order, so a tie never
    /// displaces an earlier (lower-index) neighbour.
    @inline(__always)
    private static func keepBest(
        _ candidates: UnsafePointer<Float>, count: Int, firstPosition: Int, k: Int,
        similarity: UnsafeMutablePointer<Float>, position: UnsafeMutablePointer<Int32>
    ) {
        var threshold = similarity[k - 1]
        for j in 0..<count {
            let s = candidates[j]
            guard s > threshold else { continue }
            NeighbourPairs.insert(s, row: Int32(firstPosition + j), similarity: similarity, rowOf: position, k: k)
            threshold = similarity[k - 1]
        }
    }

    private func score(
        similarity: UnsafePointer<Float>, position: UnsafePointer<Int32>, labels: UnsafeBufferPointer<UInt8>,
        into out: UnsafeMutablePointer<Float>
    ) {
        let rows = training.rows
        Self.score(
            similarity: similarity, neighbours: neighbours, weighting: weighting, row: { rows[Int(position[$0])] },
            labels: labels, conceptCount: training.dataset.conceptCount, into: out)
    }

    /// One row's scores from its `neighbours` best (similarities best first; `row(slot)` is the
    /// dataset row of a slot): each concept's weighted fraction of positive neighbours.
    @inline(__always)
    static func score(
        similarity: UnsafePointer<Float>, neighbours: Int, weighting: NearestNeighboursLearner.Weighting,
        row: (Int) -> Int, labels: UnsafeBufferPointer<UInt8>, conceptCount c: Int, into out: UnsafeMutablePointer<Float>
    ) {
        var weights = [Double](repeating: 1, count: neighbours)
        if weighting == .distance {
            let distances = (0..<neighbours).map { max(0, 1 - Double(similarity[$0])) }
            let coincident = distances.map { $0 < 1e-6 }
            if coincident.contains(true) {
                weights = coincident.map { $0 ? 1 : 0 }
            } else {
                weights = distances.map { 1 / $0 }
            }
        }
        var total: Double = 0
        var sums = [Double](repeating: 0, count: c)
        for slot in 0..<neighbours {
            let row = row(slot)
            total += weights[slot]
            for concept in 0..<c where labels[row * c + concept] != 0 { sums[concept] += weights[slot] }
        }
        for concept in 0..<c { out[concept] = Float(sums[concept] / total) }
    }
}
