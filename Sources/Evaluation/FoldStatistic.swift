/// The mean and sample standard deviation of one value over the folds where it is defined.
///
/// The standard deviation uses ddof = 1 (Bessel's correction, numpy's `std(ddof=1)`, pandas'
/// default): √(Σ(xᵢ − x̄)² / (n − 1)). It is nil with fewer than two values, and always nil in
/// holdout mode, where there is one "fold".
public struct FoldStatistic: Sendable, Equatable {
    /// The delta degrees of freedom of `standardDeviation`.
    public static let ddof = 1

    /// Mean over the defined values; nil when no fold has one.
    public let mean: Double?
    /// Sample standard deviation (ddof 1); nil with fewer than two defined values.
    public let standardDeviation: Double?
    /// How many folds had a defined value.
    public let count: Int

    public init(mean: Double?, standardDeviation: Double?, count: Int) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.count = count
    }

    /// The statistic of `values`, skipping nil (undefined) entries.
    public init(_ values: [Double?]) {
        let defined = values.compactMap { $0 }
        count = defined.count
        guard let (mean, variance) = Self.meanAndVariance(defined) else {
            mean = nil
            standardDeviation = nil
            return
        }
        self.mean = mean
        standardDeviation = variance?.squareRoot()
    }

    /// The mean of `values` and their sample variance (ddof 1; nil for one value); nil for none.
    /// The one computation behind the fold statistics and the paired test of a sweep.
    public static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double?)? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > ddof else { return (mean, nil) }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - ddof))
    }

    /// The same statistic without a standard deviation (holdout mode).
    var withoutSpread: FoldStatistic {
        FoldStatistic(mean: mean, standardDeviation: nil, count: count)
    }
}

/// The mean of the defined values, nil when there is none.
func meanOfDefined(_ values: [Double?]) -> Double? {
    let defined = values.compactMap { $0 }
    return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
}
