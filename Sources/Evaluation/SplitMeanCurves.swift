/// One concept's ROC and precision-recall curves averaged over the tasks, point by point:
/// Clarifai's "K-split average" curves (`binary_metrics`), as its published example shows them
/// (docs/RESULTS.md, "How Clarifai computes").
///
/// At each of the 101 grid thresholds a task contributes its own rates, with `GridCurves`'s
/// conventions. A rate is averaged over the tasks where it is defined: `tpr` (and recall) over the
/// tasks with a positive input, `fpr` over those with a negative one, precision over every task (1
/// where the task predicts nothing). A rate no task defines is 0.
public struct SplitMeanCurves: Sendable, Equatable {
    private var tprSums = [Double](repeating: 0, count: ThresholdGrid.count)
    private var fprSums = [Double](repeating: 0, count: ThresholdGrid.count)
    private var precisionSums = [Double](repeating: 0, count: ThresholdGrid.count)
    private var withPositives = 0
    private var withNegatives = 0
    private var tasks = 0

    public init() {}

    /// Adds one task's curves (tasks are added in (repeat, fold) order, so the sums are the same
    /// bits on every run).
    public mutating func add(_ curves: GridCurves) {
        tasks += 1
        if curves.positives > 0 { withPositives += 1 }
        if curves.negatives > 0 { withNegatives += 1 }
        for index in 0..<ThresholdGrid.count {
            let tp = Double(curves.truePositives[index])
            let fp = Double(curves.falsePositives[index])
            if curves.positives > 0 { tprSums[index] += tp / Double(curves.positives) }
            if curves.negatives > 0 { fprSums[index] += fp / Double(curves.negatives) }
            precisionSums[index] += GridCurves.curvePrecision(
                truePositives: curves.truePositives[index], falsePositives: curves.falsePositives[index])
        }
    }

    /// Mean true-positive rate (recall) at each grid index, ascending thresholds.
    public var tpr: [Double] { tprSums.map { withPositives == 0 ? 0 : $0 / Double(withPositives) } }
    /// Mean false-positive rate at each grid index, ascending thresholds.
    public var fpr: [Double] { fprSums.map { withNegatives == 0 ? 0 : $0 / Double(withNegatives) } }
    /// Mean precision at each grid index, ascending thresholds.
    public var precision: [Double] { precisionSums.map { tasks == 0 ? 1 : $0 / Double(tasks) } }

    /// The ROC curve, thresholds descending 1.00 → 0.00.
    public var roc: ROCCurve {
        ROCCurve(fpr: fpr.reversed(), tpr: tpr.reversed(), thresholds: ThresholdGrid.descending)
    }

    /// The precision-recall curve, thresholds ascending 0.00 → 1.00.
    public var precisionRecall: PrecisionRecallCurve {
        PrecisionRecallCurve(recall: tpr, precision: precision, thresholds: ThresholdGrid.ascending)
    }
}
