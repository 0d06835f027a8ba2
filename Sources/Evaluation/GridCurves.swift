/// The counts of one concept at every point of the 101-point threshold grid, and the ROC and
/// precision-recall curves Clarifai derives from them.
///
/// Conventions where a ratio has a zero denominator (protobuf float arrays cannot hold null):
/// - `tpr` and `recall` are 0 when the concept has no positive input;
/// - `fpr` is 0 when it has no negative input;
/// - `precision` is 1 at a threshold where nothing is predicted positive, as in Clarifai's
///   published example (recall 0, precision 1 at threshold 1.0) and at the end point of
///   scikit-learn's `precision_recall_curve`. The precision at the chosen threshold
///   (`ThresholdCounts.precision`) instead follows `zero_division=0`.
public struct GridCurves: Sendable, Equatable {
    public let positives: Int
    public let negatives: Int
    /// `truePositives[i]`: positives scoring `>= i/100` (ascending grid order).
    public let truePositives: [Int]
    /// `falsePositives[i]`: negatives scoring `>= i/100` (ascending grid order).
    public let falsePositives: [Int]

    public init(positives: Int, negatives: Int, truePositives: [Int], falsePositives: [Int]) {
        precondition(truePositives.count == ThresholdGrid.count && falsePositives.count == ThresholdGrid.count,
                     "one count per grid point")
        self.positives = positives
        self.negatives = negatives
        self.truePositives = truePositives
        self.falsePositives = falsePositives
    }

    /// The counts at grid index `index` (threshold `index / 100`).
    public func counts(at index: Int) -> ThresholdCounts {
        ThresholdCounts(
            truePositives: truePositives[index],
            falsePositives: falsePositives[index],
            falseNegatives: positives - truePositives[index],
            trueNegatives: negatives - falsePositives[index]
        )
    }

    /// The ROC curve with thresholds descending 1.00 → 0.00.
    public var roc: ROCCurve {
        let order = (0..<ThresholdGrid.count).reversed()
        return ROCCurve(
            fpr: order.map { rate(falsePositives[$0], negatives) },
            tpr: order.map { rate(truePositives[$0], positives) },
            thresholds: ThresholdGrid.descending
        )
    }

    /// The precision-recall curve with thresholds ascending 0.00 → 1.00.
    public var precisionRecall: PrecisionRecallCurve {
        let order = 0..<ThresholdGrid.count
        return PrecisionRecallCurve(
            recall: order.map { rate(truePositives[$0], positives) },
            precision: order.map { Self.curvePrecision(truePositives: truePositives[$0], falsePositives: falsePositives[$0]) },
            thresholds: ThresholdGrid.ascending
        )
    }

    /// Precision as Clarifai's curves give it: TP / (TP + FP), and 1 where nothing is predicted.
    static func curvePrecision(truePositives: Int, falsePositives: Int) -> Double {
        let predicted = truePositives + falsePositives
        return predicted == 0 ? 1 : Double(truePositives) / Double(predicted)
    }

    private func rate(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
