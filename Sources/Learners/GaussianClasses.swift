#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Datasets

/// Per-class feature means and variances of a Gaussian naive Bayes model, with the log joint
/// likelihood of a row under each class.
struct GaussianClasses: Sendable {
    let featureCount: Int
    private(set) var count = 0
    private var means: [Double] = []
    private var inverseVariances: [Double] = []
    /// `log prior − ½ Σ log(2π·variance)` per class.
    private var constants: [Double] = []

    init(featureCount: Int) {
        self.featureCount = featureCount
    }

    /// Adds a class with `count` of the `total` training rows, the given moments, and `epsilon` added
    /// to every variance.
    mutating func append(_ moments: (mean: [Double], variance: [Double]), count classCount: Int, of total: Int, epsilon: Double) {
        var constant = log(Double(classCount) / Double(total))
        for j in 0..<featureCount {
            // A zero variance (constant feature, var_smoothing=0) would divide by zero; keep it tiny instead.
            let variance = max(moments.variance[j] + epsilon, Double.leastNormalMagnitude)
            means.append(moments.mean[j])
            inverseVariances.append(1 / variance)
            constant -= 0.5 * log(2 * Double.pi * variance)
        }
        constants.append(constant)
        count += 1
    }

    /// Writes the log joint likelihood `log P(class) + log P(x | class)` of the row at `x` for every
    /// class into `joint` (`count` entries).
    func logJoint(_ x: UnsafePointer<Float>, into joint: UnsafeMutablePointer<Double>) {
        let d = featureCount
        means.withUnsafeBufferPointer { means in
            inverseVariances.withUnsafeBufferPointer { inverse in
                for k in 0..<count {
                    var sum: Double = 0
                    let base = k * d
                    for j in 0..<d {
                        let delta = Double(x[j]) - means[base + j]
                        sum += delta * delta * inverse[base + j]
                    }
                    joint[k] = constants[k] - 0.5 * sum
                }
            }
        }
    }
}

/// Class counts and centred first and second moments of the training rows, per concept and overall,
/// summed in double precision around a centre near the data (`centre(of:)`) so variances do not
/// cancel. The centre is the dataset's, not the rows', so the statistics of disjoint rows add
/// (`adding`): a fold's are the sum of the other folds' partitions (`AdditiveLearner`).
struct ClassStatistics: Sendable {
    let rowCount: Int
    let featureCount: Int
    /// Positive training rows per concept.
    private(set) var counts: [Int]
    private var mean: [Double]
    private var totalSum: [Double]
    private var totalSquares: [Double]
    /// `concepts × features`.
    private var sums: [Double]
    private var squares: [Double]

    /// Rows whose mean is the centre.
    static let centreRows = 4096

    /// Any centre works as long as it is near the data: the mean of the dataset's first
    /// `centreRows` rows (whatever their folds), rounded to Float.
    static func centre(of dataset: Dataset) -> [Double] {
        let head = RowView(dataset: dataset, rows: Array(0..<min(dataset.rowCount, centreRows)))
        return FeatureScaling.mean(head).map { Double(Float($0)) }
    }

    /// Throws `trainingFailed` when `exclusive` and a training row has no concept or several.
    init(_ view: RowView, centre: [Double], exclusive: Bool) throws(LearnerError) {
        self = try view.rows.withUnsafeBufferPointer { rows throws(LearnerError) in
            try Self.accumulate(view.dataset, rows: rows, partitions: 1, centre: centre, exclusive: exclusive) { _ in 0 }[0]
        }
    }

    /// The statistics of each partition's rows among `rows` (`partitions.folds` of them), from one
    /// sweep through the rows in order.
    static func partitions(
        _ dataset: Dataset, rows: Range<Int>, of partitions: FoldPartitions, centre: [Double], exclusive: Bool
    ) throws(LearnerError) -> [ClassStatistics] {
        try partitions.rowFolds.withUnsafeBufferPointer { folds throws(LearnerError) in
            try accumulate(dataset, rows: rows, partitions: partitions.folds, centre: centre, exclusive: exclusive) { Int(folds[$0]) }
        }
    }

    private init(rowCount: Int, featureCount: Int, centre: [Double], counts: [Int], accumulators: UnsafePointer<Double>) {
        let (d, c) = (featureCount, counts.count)
        self.rowCount = rowCount
        self.featureCount = d
        self.counts = counts
        mean = centre
        totalSum = Array(UnsafeBufferPointer(start: accumulators, count: d))
        totalSquares = Array(UnsafeBufferPointer(start: accumulators + d, count: d))
        sums = Array(UnsafeBufferPointer(start: accumulators + 3 * d, count: c * d))
        squares = Array(UnsafeBufferPointer(start: accumulators + 3 * d + c * d, count: c * d))
    }

    /// One pass through `rows` in order, adding each into the statistics of its partition
    /// (`partition(row)`, below `partitions`), through raw pointers: the same sums in the same order
    /// as a plain loop over the arrays (so the same bits), without a uniqueness check per row (which
    /// made this pass most of a fold's time).
    @inline(__always)
    private static func accumulate<Rows: Collection<Int>>(
        _ dataset: Dataset, rows: Rows, partitions: Int, centre: [Double], exclusive: Bool, partition: (Int) -> Int
    ) throws(LearnerError) -> [ClassStatistics] {
        let d = dataset.featureCount
        let c = dataset.conceptCount
        // Per partition: total, squares of the total, the centred row (scratch), class sums, class squares.
        let stride = 3 * d + 2 * c * d
        let accumulators = UnsafeMutablePointer<Double>.allocate(capacity: partitions * stride)
        accumulators.initialize(repeating: 0, count: partitions * stride)
        defer { accumulators.deallocate() }
        var counts = [Int](repeating: 0, count: partitions * c)
        var rowCounts = [Int](repeating: 0, count: partitions)
        var invalid: (row: Int, positives: Int)?
        dataset.features.withUnsafeBufferPointer { x in
            dataset.labels.withUnsafeBufferPointer { labels in
                centre.withUnsafeBufferPointer { m in
                    counts.withUnsafeMutableBufferPointer { counts in
                        guard let x = x.baseAddress, let labels = labels.baseAddress, let m = m.baseAddress else { return }
                        for row in rows {
                            let flags = labels + row * c
                            var positives = 0
                            for k in 0..<c where flags[k] != 0 { positives += 1 }
                            if exclusive, positives != 1 {
                                invalid = (row, positives)
                                return
                            }
                            let p = partition(row)
                            rowCounts[p] += 1
                            let base = accumulators + p * stride
                            let (total, totalSq, centred) = (base, base + d, base + 2 * d)
                            let (classSums, classSquares) = (base + 3 * d, base + 3 * d + c * d)
                            let values = x + row * d
                            for j in 0..<d {
                                let value = Double(values[j]) - m[j]
                                centred[j] = value
                                total[j] += value
                                totalSq[j] += value * value
                            }
                            for k in 0..<c where flags[k] != 0 {
                                counts[p * c + k] += 1
                                let (sums, squares) = (classSums + k * d, classSquares + k * d)
                                for j in 0..<d {
                                    sums[j] += centred[j]
                                    squares[j] += centred[j] * centred[j]
                                }
                            }
                        }
                    }
                }
            }
        }
        if let invalid {
            throw LearnerError(
                .trainingFailed,
                "naive-bayes: the dataset has exclusive concepts but row \(invalid.row) (id '\(dataset.ids[invalid.row])') has "
                    + "\(invalid.positives); mark the dataset multi-label (a `labels` column) or fix the row"
            )
        }
        return (0..<partitions).map { p in
            ClassStatistics(
                rowCount: rowCounts[p], featureCount: d, centre: centre, counts: Array(counts[(p * c)..<((p + 1) * c)]),
                accumulators: accumulators + p * stride)
        }
    }

    private init(adding a: ClassStatistics, _ b: ClassStatistics) {
        precondition(a.mean == b.mean, "statistics add only around the same centre")
        func add(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 + $1 } }
        rowCount = a.rowCount + b.rowCount
        featureCount = a.featureCount
        counts = zip(a.counts, b.counts).map { $0 + $1 }
        mean = a.mean
        totalSum = add(a.totalSum, b.totalSum)
        totalSquares = add(a.totalSquares, b.totalSquares)
        sums = add(a.sums, b.sums)
        squares = add(a.squares, b.squares)
    }

    /// The statistics of these rows and `other`'s (disjoint) together.
    func adding(_ other: ClassStatistics) -> ClassStatistics { ClassStatistics(adding: self, other) }

    /// Population variance of feature `j` over all training rows.
    func totalVariance(_ j: Int) -> Double {
        let n = Double(rowCount)
        let m = totalSum[j] / n
        return max(0, totalSquares[j] / n - m * m)
    }

    /// Mean and population variance of every feature over the positive rows of concept `k`.
    func positiveMoments(_ k: Int) -> (mean: [Double], variance: [Double]) {
        moments(count: counts[k]) { j in (sums[k * featureCount + j], squares[k * featureCount + j]) }
    }

    /// Mean and population variance of every feature over the rows not positive for concept `k`.
    func negativeMoments(_ k: Int) -> (mean: [Double], variance: [Double]) {
        moments(count: rowCount - counts[k]) { j in
            (totalSum[j] - sums[k * featureCount + j], totalSquares[j] - squares[k * featureCount + j])
        }
    }

    private func moments(count: Int, _ sums: (Int) -> (Double, Double)) -> (mean: [Double], variance: [Double]) {
        let n = Double(count)
        var means = [Double](repeating: 0, count: featureCount)
        var variances = [Double](repeating: 0, count: featureCount)
        for j in 0..<featureCount {
            let (sum, square) = sums(j)
            let centredMean = sum / n
            means[j] = mean[j] + centredMean
            variances[j] = max(0, square / n - centredMean * centredMean)
        }
        return (means, variances)
    }
}
