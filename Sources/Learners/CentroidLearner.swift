import Datasets

/// `centroid`: cosine nearest centroid.
///
/// A concept's centroid is the mean of its positive training rows after each is scaled to unit
/// length; a row's similarity to a concept is the cosine between the row and that centroid.
/// - Exclusive concepts: probabilities are the softmax over concepts of `similarity / temperature`;
///   a concept without training rows gets 0.
/// - Multi-label concepts: each concept is scored on its own, `sigmoid((similarity − midpoint) /
///   temperature)`, where `midpoint` is halfway between the mean similarity of the concept's positive
///   training rows and that of its negative rows, so a row as close as a typical positive scores
///   above 0.5 and one as close as a typical negative below. A concept with no positive (or no
///   negative) training row gets its smoothed training frequency `(positives + 0.5) / (rows + 1)`.
struct CentroidLearner: AdditiveLearner {
    let temperature: Double

    static let parameters: [LearnerParameter] = [
        LearnerParameter(
            key: "temperature", domain: .real(lowerBound: 0, inclusive: false), defaultValue: "0.1",
            meaning: "divides cosine similarities before the softmax (exclusive) or sigmoid (multi-label); "
                + "smaller gives sharper probabilities"
        ),
    ]

    /// What a centroid model needs of its training rows.
    struct Statistics: Sendable {
        var rows: Int
        /// Positive rows per concept.
        var positives: [Int]
        /// `(concepts + 1) × features`: row `k` is Σ over the positives of concept `k` of the
        /// unit-length rows; the last row is that sum over all rows.
        var sums: [Double]

        /// The statistics of no rows.
        init(empty dataset: Dataset) {
            rows = 0
            positives = [Int](repeating: 0, count: dataset.conceptCount)
            sums = [Double](repeating: 0, count: (dataset.conceptCount + 1) * dataset.featureCount)
        }

        init(rows: Int, positives: [Int], sums: [Double]) {
            self.rows = rows
            self.positives = positives
            self.sums = sums
        }

        /// Adds the concepts and the features of `rows.count` gathered unit-length rows at `x` (the
        /// dataset's `rows`), through one matrix product in single precision added to the sums in
        /// double. Leaves `rows` to the caller.
        mutating func add(_ x: UnsafePointer<Float>, rows: UnsafeBufferPointer<Int>, dataset: Dataset, scratch: BlockScratch) {
            let d = dataset.featureCount
            let c = dataset.conceptCount
            let columns = c + 1  // every concept, then a column of ones for the sum of all rows
            let indicator = scratch.indicator
            dataset.labels.withUnsafeBufferPointer { labels in
                positives.withUnsafeMutableBufferPointer { positives in
                    guard let labels = labels.baseAddress, let counts = positives.baseAddress else { return }
                    for (slot, row) in rows.enumerated() {
                        let (flags, out) = (labels + row * c, indicator + slot * columns)
                        for k in 0..<c {
                            let positive: UInt8 = flags[k] != 0 ? 1 : 0
                            out[k] = Float(positive)
                            counts[k] &+= Int(positive)
                        }
                        out[c] = 1
                    }
                }
            }
            MatrixProduct.multiply(
                indicator, transposeA: true, lda: columns, x, ldb: d, into: scratch.blockSums, ldc: d,
                m: columns, n: d, k: rows.count
            )
            sums.withUnsafeMutableBufferPointer { sums in
                for i in 0..<(columns * d) { sums[i] += Double(scratch.blockSums[i]) }
            }
        }
    }

    /// Buffers for one block of rows: the gathered rows, their concept indicators (and a column of
    /// ones), and the block's sums.
    struct BlockScratch {
        let x: UnsafeMutablePointer<Float>
        let indicator: UnsafeMutablePointer<Float>
        let blockSums: UnsafeMutablePointer<Float>

        init(_ dataset: Dataset, blockRows: Int) {
            let columns = dataset.conceptCount + 1
            x = .allocate(capacity: blockRows * dataset.featureCount)
            indicator = .allocate(capacity: blockRows * columns)
            blockSums = .allocate(capacity: columns * dataset.featureCount)
        }

        func deallocate() {
            x.deallocate()
            indicator.deallocate()
            blockSums.deallocate()
        }
    }

    func statistics(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> Statistics {
        let dataset = training.dataset
        var statistics = Statistics(empty: dataset)
        guard training.count > 0 else { return statistics }
        let gatherer = RowGatherer(view: training, transform: .unitNorm)
        let scratch = BlockScratch(dataset, blockRows: gatherer.blockRows)
        defer { scratch.deallocate() }
        training.rows.withUnsafeBufferPointer { rows in
            for block in 0..<gatherer.blockCount {
                let positions = gatherer.positions(ofBlock: block)
                gatherer.gather(positions, into: scratch.x)
                statistics.add(scratch.x, rows: UnsafeBufferPointer(rebasing: rows[positions]), dataset: dataset, scratch: scratch)
            }
        }
        statistics.rows = training.count
        return statistics
    }

    /// One sweep through `rows` a block of consecutive rows at a time; in each block the rows of one
    /// partition are gathered together and added to that partition's sums with one matrix product.
    func partitionStatistics(
        _ dataset: Dataset, rows: Range<Int>, of partitions: FoldPartitions, cancellation: FoldCancellation
    ) throws(LearnerError) -> [Statistics] {
        let k = partitions.folds
        var statistics = [Statistics](repeating: Statistics(empty: dataset), count: k)
        let blockRows = RowGatherer.blockRows(width: dataset.featureCount)
        // The chunk's rows block by block, grouped by partition within a block; `starts[b * (k + 1) + p]`
        // is where partition p's rows of block b begin in `ordered`.
        var ordered = [Int](repeating: 0, count: rows.count)
        var starts = [Int]()
        starts.reserveCapacity((rows.count / blockRows + 1) * (k + 1))
        partitions.rowFolds.withUnsafeBufferPointer { folds in
            var counts = [Int](repeating: 0, count: k)
            for blockStart in stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows) {
                let block = blockStart..<min(rows.upperBound, blockStart + blockRows)
                for p in 0..<k { counts[p] = 0 }
                for row in block { counts[Int(folds[row])] += 1 }
                var next = blockStart - rows.lowerBound
                var offsets = counts
                for p in 0..<k {
                    starts.append(next)
                    offsets[p] = next
                    next += counts[p]
                }
                starts.append(next)
                for row in block {
                    let p = Int(folds[row])
                    ordered[offsets[p]] = row
                    offsets[p] += 1
                }
            }
        }
        let view = RowView(dataset: dataset, rows: ordered)
        let gatherer = RowGatherer(view: view, transform: .unitNorm, blockRows: blockRows)
        let scratch = BlockScratch(dataset, blockRows: blockRows)
        defer { scratch.deallocate() }
        for block in 0..<gatherer.blockCount {
            try cancellation.check()
            let positions = gatherer.positions(ofBlock: block)
            gatherer.gather(positions, into: scratch.x)
            ordered.withUnsafeBufferPointer { ordered in
                for p in 0..<k {
                    let segment = starts[block * (k + 1) + p]..<starts[block * (k + 1) + p + 1]
                    guard !segment.isEmpty else { continue }
                    statistics[p].add(
                        scratch.x + (segment.lowerBound - positions.lowerBound) * dataset.featureCount,
                        rows: UnsafeBufferPointer(rebasing: ordered[segment]), dataset: dataset, scratch: scratch)
                    statistics[p].rows += segment.count
                }
            }
        }
        return statistics
    }

    func adding(_ a: Statistics, _ b: Statistics) -> Statistics {
        Statistics(
            rows: a.rows + b.rows, positives: zip(a.positives, b.positives).map { $0 + $1 },
            sums: zip(a.sums, b.sums).map { $0 + $1 })
    }

    func statisticsBytes(_ dataset: Dataset) -> Int {
        8 * (dataset.conceptCount + (dataset.conceptCount + 1) * dataset.featureCount) + 64
    }

    func fit(_ statistics: Statistics, dataset: Dataset) throws(LearnerError) -> any FittedModel {
        let n = statistics.rows
        guard n > 0 else { throw LearnerError(.trainingFailed, "centroid: the training view has no rows") }
        let d = dataset.featureCount
        let c = dataset.conceptCount
        let (sums, positives) = (statistics.sums, statistics.positives)
        let exclusive = !dataset.isMultiLabel
        var scored: [Int] = []
        var centroids: [Float] = []
        var midpoints: [Float] = []
        var constants: [ConstantProbability] = []
        for k in 0..<c {
            let negatives = n - positives[k]
            let sum = sums[(k * d)..<((k + 1) * d)]
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let degenerate = positives[k] == 0 || norm == 0 || (!exclusive && negatives == 0)
            if degenerate {
                constants.append(
                    exclusive
                        ? ConstantProbability(concept: k, probability: 0)
                        : .smoothedFrequency(concept: k, positives: positives[k], rows: n)
                )
                continue
            }
            let unit = sum.map { $0 / norm }
            scored.append(k)
            centroids.append(contentsOf: unit.map { Float($0) })
            if !exclusive {
                // Σ_pos x̂·ĉ = sum·ĉ = norm; Σ_neg x̂·ĉ = (total − sum)·ĉ.
                var negativeDot: Double = 0
                for j in 0..<d { negativeDot += (sums[c * d + j] - sums[k * d + j]) * unit[j] }
                let positiveMean = norm / Double(positives[k])
                let negativeMean = negativeDot / Double(negatives)
                midpoints.append(Float((positiveMean + negativeMean) / 2))
            }
        }
        return CentroidModel(
            centroids: centroids, scored: scored, midpoints: midpoints, constants: constants,
            conceptCount: c, featureCount: d, inverseTemperature: Float(1 / temperature), exclusive: exclusive
        )
    }
}

struct CentroidModel: FittedModel {
    /// `scored.count × featureCount`, unit-length rows.
    let centroids: [Float]
    let scored: [Int]
    /// Multi-label only: the sigmoid's centre per scored concept.
    let midpoints: [Float]
    let constants: [ConstantProbability]
    let conceptCount: Int
    let featureCount: Int
    let inverseTemperature: Float
    let exclusive: Bool

    func predict(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> [Float] {
        precondition(
            view.dataset.featureCount == featureCount && view.dataset.conceptCount == conceptCount,
            "a model predicts rows of datasets shaped like its training dataset"
        )
        let c = conceptCount
        let m = scored.count
        var out = [Float](repeating: 0, count: view.count * c)
        guard view.count > 0 else { return out }
        ConstantProbability.fill(constants, rows: view.count, conceptCount: c, into: &out)
        guard m > 0 else { return out }
        let gatherer = RowGatherer(view: view, transform: .unitNorm)
        let blockRows = gatherer.blockRows
        let d = featureCount
        let lanes = view.lanes
        let blocks = UnsafeMutablePointer<Float>.allocate(capacity: lanes * blockRows * d)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: lanes * blockRows * m)
        defer {
            blocks.deallocate()
            scores.deallocate()
        }
        let exclusive = exclusive
        let inverseTemperature = inverseTemperature
        let scored = scored
        centroids.withUnsafeBufferPointer { centroids in
            midpoints.withUnsafeBufferPointer { midpoints in
                out.withUnsafeMutableBufferPointer { out in
                    guard let centroids = centroids.baseAddress, let out = out.baseAddress else { return }
                    BlockRunner.run(blocks: gatherer.blockCount, lanes: lanes) { block, lane in
                        let positions = gatherer.positions(ofBlock: block)
                        let x = blocks + lane * blockRows * d
                        let s = scores + lane * blockRows * m
                        gatherer.gather(positions, into: x)
                        MatrixProduct.multiply(
                            x, lda: d, centroids, transposeB: true, ldb: d, into: s, ldc: m,
                            m: positions.count, n: m, k: d
                        )
                        let count = positions.count * m
                        if exclusive {
                            for i in 0..<count { s[i] *= inverseTemperature }
                            LogisticMath.softmaxRows(s, rows: positions.count, columns: m)
                        } else {
                            for slot in 0..<positions.count {
                                for k in 0..<m { s[slot * m + k] = (s[slot * m + k] - midpoints[k]) * inverseTemperature }
                            }
                            LogisticMath.sigmoid(s, count: count)
                        }
                        for (slot, position) in positions.enumerated() {
                            for (k, concept) in scored.enumerated() { out[position * c + concept] = s[slot * m + k] }
                        }
                    }
                }
            }
        }
        return out
    }
}
