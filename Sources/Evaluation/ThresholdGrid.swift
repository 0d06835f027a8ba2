/// Clarifai's 101-point threshold grid: 0.00, 0.01, ..., 1.00.
///
/// A score is predicted positive at threshold `t` when `score >= t`. The comparison runs in Float32,
/// the precision of the scores and of the `float` thresholds in Clarifai's protobuf messages, so a
/// score of `Float(0.35)` is positive at the grid point 0.35 (in Double, `Double(Float(0.35))` is
/// smaller than `0.35` and would not be).
public enum ThresholdGrid {
    /// Number of grid points.
    public static let count = 101

    /// The threshold at grid index `index` (0...100), as written to JSON: `index / 100`.
    public static func threshold(at index: Int) -> Double {
        Double(index) / 100
    }

    /// Grid thresholds in ascending order 0.00 → 1.00 (the order of `PrecisionRecallCurve.thresholds`).
    public static var ascending: [Double] {
        (0..<count).map(threshold(at:))
    }

    /// Grid thresholds in descending order 1.00 → 0.00 (the order of `ROCCurve.thresholds`).
    public static var descending: [Double] {
        ascending.reversed()
    }

    /// The grid index (0...100) of `threshold` rounded to two decimals, as Clarifai's SDK looks a
    /// threshold up in a curve; nil when the threshold lies outside [0, 1] or is not finite.
    public static func index(of threshold: Double) -> Int? {
        guard threshold.isFinite, threshold >= 0, threshold <= 1 else { return nil }
        return Int((threshold * 100).rounded())
    }

    /// The Float32 value a score is compared with at grid index `index`. `Float(index) / 100` is the
    /// correctly rounded quotient, the same value a protobuf parser gives for the text "0.35".
    static func comparisonValue(at index: Int) -> Float {
        Float(index) / 100
    }

    /// The Float32 value a score is compared with for a chosen threshold.
    static func comparisonValue(for threshold: Double) -> Float {
        Float(threshold)
    }
}
