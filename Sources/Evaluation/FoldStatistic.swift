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
        guard !defined.isEmpty else {
            mean = nil
            standardDeviation = nil
            return
        }
        let mean = defined.reduce(0, +) / Double(defined.count)
        self.mean = mean
        if defined.count > Self.ddof {
            let squares = defined.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardDeviation = (squares / Double(defined.count - Self.ddof)).squareRoot()
        } else {
            standardDeviation = nil
        }
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
