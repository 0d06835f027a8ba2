/// One concept's metrics over one set of predictions (a fold, the pooled out-of-fold predictions,
/// or a holdout set).
///
/// - `rocAUC` is scikit-learn's `roc_auc_score`: the trapezoid under the ROC curve through every
///   distinct score, so tied scores contribute half a pair. It is nil (undefined) when the set has
///   no positive or no negative input; scikit-learn returns NaN with a warning there.
/// - `averagePrecision` is scikit-learn's `average_precision_score`: Σ (Rₖ − Rₖ₋₁)·Pₖ over the
///   distinct scores in decreasing order, not interpolated. It is nil when the set has no positive
///   input; scikit-learn returns 0 with a warning there, which would drag every mean down.
/// - `atThreshold` counts a score `>= threshold` (compared in Float32) as predicted positive.
/// - `curves` holds the counts on the 101-point grid when they were asked for.
public struct ConceptMetrics: Sendable, Equatable {
    public let positives: Int
    public let negatives: Int
    public let rocAUC: Double?
    public let averagePrecision: Double?
    public let atThreshold: ThresholdCounts
    public let curves: GridCurves?

    /// All inputs in the set: positives + negatives.
    public var total: Int { positives + negatives }

    /// Computes the metrics of `scores` against `labels` (true marks a positive).
    ///
    /// - Parameters:
    ///   - threshold: the decision threshold in [0, 1].
    ///   - includeCurves: whether to count on the 101-point grid (needed for `roc_curve` and
    ///     `precision_recall_curve`; per-fold metrics skip it).
    public init(scores: [Float], labels: [Bool], threshold: Double, includeCurves: Bool = true) {
        precondition(scores.count == labels.count, "one label per score")
        var ranked = [RankedScore]()
        ranked.reserveCapacity(scores.count)
        for (score, label) in zip(scores, labels) { ranked.append(RankedScore(score: score, isPositive: label)) }
        var scratch: [RankedScore] = []
        self.init(ranking: &ranked, scratch: &scratch, threshold: threshold, includeCurves: includeCurves)
    }

    /// Computes the metrics from `ranking`, which it sorts in place with `scratch` (callers reuse
    /// both buffers).
    init(ranking: inout [RankedScore], scratch: inout [RankedScore], threshold: Double, includeCurves: Bool) {
        // Descending by score; ties stay adjacent, which is all the tie handling needs.
        ScoreRadixSort.sortDescending(&ranking, scratch: &scratch)
        var positives = 0
        for entry in ranking where entry.isPositive { positives += 1 }
        let negatives = ranking.count - positives
        self.positives = positives
        self.negatives = negatives

        // One pass over the groups of equal scores, from the highest score down.
        let cut = ThresholdGrid.comparisonValue(for: threshold)
        var truePositives = 0
        var falsePositives = 0
        var aucNumerator = 0  // Σ ΔFP·(TPₖ + TPₖ₋₁): twice the trapezoid area in count units
        var precisionSum = 0.0  // Σ ΔTP·Pₖ; divided by the positives below
        var countsAtThreshold = (tp: 0, fp: 0)
        var index = 0
        while index < ranking.count {
            let score = ranking[index].score
            let previousTP = truePositives
            let previousFP = falsePositives
            while index < ranking.count && ranking[index].score == score {
                if ranking[index].isPositive { truePositives += 1 } else { falsePositives += 1 }
                index += 1
            }
            aucNumerator += (falsePositives - previousFP) * (truePositives + previousTP)
            if truePositives > previousTP {
                let precision = Double(truePositives) / Double(truePositives + falsePositives)
                precisionSum += Double(truePositives - previousTP) * precision
            }
            if score >= cut { countsAtThreshold = (truePositives, falsePositives) }
        }

        if positives > 0 && negatives > 0 {
            rocAUC = Double(aucNumerator) / (2 * Double(positives) * Double(negatives))
        } else {
            rocAUC = nil
        }
        averagePrecision = positives > 0 ? precisionSum / Double(positives) : nil
        atThreshold = ThresholdCounts(
            truePositives: countsAtThreshold.tp,
            falsePositives: countsAtThreshold.fp,
            falseNegatives: positives - countsAtThreshold.tp,
            trueNegatives: negatives - countsAtThreshold.fp
        )
        curves = includeCurves
            ? Self.gridCurves(sortedDescending: ranking, positives: positives, negatives: negatives)
            : nil
    }

    /// The same metrics without the grid counts (what a fold keeps once its curves are averaged).
    func droppingCurves() -> ConceptMetrics {
        ConceptMetrics(positives: positives, negatives: negatives, rocAUC: rocAUC, averagePrecision: averagePrecision,
                       atThreshold: atThreshold, curves: nil)
    }

    private init(positives: Int, negatives: Int, rocAUC: Double?, averagePrecision: Double?, atThreshold: ThresholdCounts,
                 curves: GridCurves?) {
        self.positives = positives
        self.negatives = negatives
        self.rocAUC = rocAUC
        self.averagePrecision = averagePrecision
        self.atThreshold = atThreshold
        self.curves = curves
    }

    /// Walks the grid from 1.00 down while walking the ranking from its highest score down.
    private static func gridCurves(sortedDescending ranking: [RankedScore], positives: Int, negatives: Int) -> GridCurves {
        var truePositives = [Int](repeating: 0, count: ThresholdGrid.count)
        var falsePositives = [Int](repeating: 0, count: ThresholdGrid.count)
        var tp = 0
        var fp = 0
        var position = 0
        for gridIndex in stride(from: ThresholdGrid.count - 1, through: 0, by: -1) {
            let cut = ThresholdGrid.comparisonValue(at: gridIndex)
            while position < ranking.count && ranking[position].score >= cut {
                if ranking[position].isPositive { tp += 1 } else { fp += 1 }
                position += 1
            }
            truePositives[gridIndex] = tp
            falsePositives[gridIndex] = fp
        }
        return GridCurves(positives: positives, negatives: negatives,
                          truePositives: truePositives, falsePositives: falsePositives)
    }
}

/// A score with its label, the unit `ConceptMetrics` sorts.
struct RankedScore: Sendable {
    var score: Float
    var isPositive: Bool
}
