/// Per-feature centring and scaling learned from training rows: `(x - mean) * inverseScale`.
///
/// `standardizing` is scikit-learn's `StandardScaler` (population standard deviation; a constant
/// feature keeps scale 1, so it maps to 0). The learners apply it while they gather rows into a
/// block buffer, so no standardized copy of the matrix is ever made.
struct FeatureScaling: Sendable, Equatable {
    let mean: [Float]
    let inverseScale: [Float]

    /// No centring or scaling.
    static func identity(featureCount: Int) -> FeatureScaling {
        FeatureScaling(
            mean: [Float](repeating: 0, count: featureCount),
            inverseScale: [Float](repeating: 1, count: featureCount)
        )
    }

    /// The mean of every feature over the view's rows, summed in double precision in row order
    /// through raw pointers (zeros for an empty view).
    static func mean(_ view: RowView) -> [Double] {
        let d = view.dataset.featureCount
        var sums = [Double](repeating: 0, count: d)
        guard view.count > 0 else { return sums }
        view.dataset.features.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { s in
                guard let x = x.baseAddress, let s = s.baseAddress else { return }
                for row in view.rows {
                    let values = x + row * d
                    for j in 0..<d { s[j] += Double(values[j]) }
                }
            }
        }
        return sums.map { $0 / Double(view.count) }
    }

    /// Mean and population standard deviation of every feature over `view`'s rows, in one pass in
    /// row order and double precision over `x − shift`, the shift being the view's first row: its
    /// values lie within the spread of the others, so large offsets do not cancel (the shifted-data
    /// variance; two passes, mean then deviations, took twice as long, for figures that differ only
    /// in the last bits).
    static func standardizing(_ view: RowView) -> FeatureScaling {
        let d = view.dataset.featureCount
        let n = view.count
        guard n > 0 else { return identity(featureCount: d) }
        var shift = [Double](repeating: 0, count: d)
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        view.dataset.features.withUnsafeBufferPointer { x in
            view.rows.withUnsafeBufferPointer { rows in
                guard let x = x.baseAddress else { return }
                for j in 0..<d { shift[j] = Double(x[rows[0] * d + j]) }
                shift.withUnsafeBufferPointer { shift in
                    sums.withUnsafeMutableBufferPointer { sums in
                        squares.withUnsafeMutableBufferPointer { squares in
                            Self.accumulate(
                                x, featureCount: d, rows: rows, shift: shift.baseAddress!, sums: sums.baseAddress!,
                                squares: squares.baseAddress!)
                        }
                    }
                }
            }
        }
        let means = (0..<d).map { shift[$0] + sums[$0] / Double(n) }
        let variances = (0..<d).map { max(0, (squares[$0] - sums[$0] * sums[$0] / Double(n)) / Double(n)) }
        var mean = [Float](repeating: 0, count: d)
        var inverse = [Float](repeating: 1, count: d)
        for j in 0..<d {
            mean[j] = Float(means[j])
            let deviation = variances[j].squareRoot()
            // StandardScaler leaves features with (near) zero variance unscaled.
            if deviation > 10 * Double.ulpOfOne * max(1, abs(means[j])) {
                inverse[j] = Float(1 / deviation)
            }
        }
        return FeatureScaling(mean: mean, inverseScale: inverse)
    }

    /// `sums[j] += x − shift[j]` and `squares[j] += (x − shift[j])²` over every row of `rows`,
    /// fetching rows ahead as `RowGatherer.gather` does.
    private static func accumulate(
        _ x: UnsafePointer<Float>, featureCount d: Int, rows: UnsafeBufferPointer<Int>, shift: UnsafePointer<Double>,
        sums: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>
    ) {
        let ahead = RowGatherer.prefetchDistance
        for (position, row) in rows.enumerated() {
            if position + ahead < rows.count {
                RowGatherer.prefetch(x + rows[position + ahead] * d, featureCount: d)
            }
            let values = x + row * d
            for j in 0..<d {
                let delta = Double(values[j]) - shift[j]
                sums[j] += delta
                squares[j] += delta * delta
            }
        }
    }
}
