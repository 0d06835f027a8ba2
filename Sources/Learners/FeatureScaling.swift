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

    /// Mean and population standard deviation of every feature over `view`'s rows, summed in double
    /// precision in row order (two passes, so large offsets do not cancel).
    static func standardizing(_ view: RowView) -> FeatureScaling {
        let d = view.dataset.featureCount
        let n = view.count
        guard n > 0 else { return identity(featureCount: d) }
        let means = Self.mean(view)
        var squares = [Double](repeating: 0, count: d)
        view.dataset.features.withUnsafeBufferPointer { x in
            means.withUnsafeBufferPointer { m in
                squares.withUnsafeMutableBufferPointer { q in
                    for row in view.rows {
                        let base = row * d
                        for j in 0..<d {
                            let delta = Double(x[base + j]) - m[j]
                            q[j] += delta * delta
                        }
                    }
                }
            }
        }
        var mean = [Float](repeating: 0, count: d)
        var inverse = [Float](repeating: 1, count: d)
        for j in 0..<d {
            mean[j] = Float(means[j])
            let deviation = (squares[j] / Double(n)).squareRoot()
            // StandardScaler leaves features with (near) zero variance unscaled.
            if deviation > 10 * Double.ulpOfOne * max(1, abs(means[j])) {
                inverse[j] = Float(1 / deviation)
            }
        }
        return FeatureScaling(mean: mean, inverseScale: inverse)
    }
}
