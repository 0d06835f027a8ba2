/// The confusion counts of one concept at one threshold, with the rates derived from them.
///
/// Rates follow scikit-learn's `precision_recall_fscore_support(..., zero_division=0)`: a ratio
/// whose denominator is zero is 0. F1 is `2·TP / (2·TP + FP + FN)`, the form scikit-learn uses,
/// which equals `2PR / (P + R)` whenever that is defined.
public struct ThresholdCounts: Sendable, Equatable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var trueNegatives: Int

    public init(truePositives: Int, falsePositives: Int, falseNegatives: Int, trueNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }

    /// Inputs labelled with the concept: TP + FN (Clarifai's "Total Labeled").
    public var labelledPositives: Int { truePositives + falseNegatives }

    /// Inputs predicted as the concept: TP + FP (Clarifai's "Total Predicted").
    public var predictedPositives: Int { truePositives + falsePositives }

    /// TP / (TP + FP), or 0 when nothing is predicted.
    public var precision: Double {
        ratio(truePositives, predictedPositives)
    }

    /// TP / (TP + FN), or 0 when the concept has no positive.
    public var recall: Double {
        ratio(truePositives, labelledPositives)
    }

    /// 2·TP / (2·TP + FP + FN), or 0 when that denominator is zero.
    public var f1: Double {
        ratio(2 * truePositives, labelledPositives + predictedPositives)
    }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
