import Evaluation
import Foundation

/// Clarifai's per-concept table (Concept, ROC AUC, Total Labeled, Total Predicted, TP, FN, FP,
/// Recall, Precision, F1), a Total row, and the summary, built from an `EvalMetrics` alone.
///
/// Two sources, chosen per result:
/// - `.crossfold`: the `user_metrics.crossfold` block written by crossfold at the same threshold.
///   ROC AUC is the mean ± sample std over the folds; counts, recall, precision and F1 are pooled
///   over all out-of-fold predictions at the threshold (`zero_division=0`).
/// - `.curves`: any other result. A crossfold result at a threshold it did not evaluate at is read
///   from its pooled grid counts at that grid threshold (exact counts, `zero_division=0`). A result
///   fetched from Clarifai (or an older crossfold file) is read as Clarifai's SDK does: at the
///   threshold's index of the 101-point curves,
///   precision and recall from `precision_recall_curve`, TP = int(tpr·num_pos), FN = num_pos − TP,
///   FP = int(fpr·num_neg), F1 = 2PR/(P+R). The products are floored after adding 1e-6, so a
///   float32 rate such as 0.699999988 × 10 still counts 7.
///
/// The Total row follows the SDK: summed counts, `macro_avg_roc_auc`, and precision and recall
/// weighted by each concept's Total Labeled (so its recall is ΣTP / ΣLabeled).
public struct ConceptTable: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case crossfold
        case curves
    }

    /// One line of the table; nil cells print as "-".
    public struct Row: Sendable, Equatable {
        public var concept: String
        public var rocAUC: Double?
        public var rocAUCStd: Double?
        public var totalLabeled: Int?
        public var totalPredicted: Int?
        public var truePositives: Int?
        public var falseNegatives: Int?
        public var falsePositives: Int?
        public var recall: Double?
        public var precision: Double?
        public var f1: Double?
    }

    /// A summary line: mean (and sample std) over folds, and the pooled value when known.
    public struct SummaryValue: Sendable, Equatable {
        public var mean: Double?
        public var std: Double?
        public var pooled: Double?
    }

    public let source: Source
    public let threshold: Double
    public let rows: [Row]
    public let total: Row
    public let macroROCAUC: SummaryValue
    public let macroF1: SummaryValue
    public let macroPrecision: SummaryValue
    public let macroRecall: SummaryValue
    /// Folds × repeats and the std's ddof, when the crossfold block says so.
    public let foldCount: Int?
    public let repeatCount: Int?
    public let mode: EvaluationMode?
    /// Why the crossfold block was not used although present, if so.
    public let note: String?
    /// A hint about the threshold when the scores rank well but few reach it (`thresholdAdvice`).
    public let advice: String?
    /// The threshold the summary's macro values were computed at, when it differs from
    /// `threshold` and is known (a crossfold result read at another threshold).
    public let evaluatedThreshold: Double?

    /// Builds the table of `metrics` at `threshold` (a probability; the curves are looked up at
    /// its value rounded to two decimals).
    public init(_ metrics: EvalMetrics, threshold: Double) {
        self.threshold = threshold
        let summary = metrics.summary ?? MetricsSummary()
        var report: CrossfoldReport?
        var note: String?
        var evaluatedThreshold: Double?
        do {
            report = try CrossfoldReport(metrics: metrics)
        } catch {
            note = "crossfold block ignored: \(error)"
        }
        var pooledGrids: [(concept: String, rocAUC: Double?, pooled: CrossfoldReport.PooledConcept)]?
        if let found = report, abs(found.threshold - threshold) > 1e-9 {
            note = "crossfold evaluated at threshold \(Self.fixed(found.threshold, 2)); "
                + "values at \(Self.fixed(threshold, 2)) are read from the pooled curves"
            evaluatedThreshold = found.threshold
            if found.concepts.allSatisfy({ $0.pooled.grid != nil }) {
                pooledGrids = found.concepts.map { ($0.concept, $0.rocAUC.mean, $0.pooled) }
            }
            report = nil
        }

        if let report {
            source = .crossfold
            rows = report.concepts.map { row in
                let counts = row.pooled.counts
                return Row(concept: row.concept, rocAUC: row.rocAUC.mean, rocAUCStd: row.rocAUC.standardDeviation,
                           totalLabeled: counts.labelledPositives, totalPredicted: counts.predictedPositives,
                           truePositives: counts.truePositives, falseNegatives: counts.falseNegatives,
                           falsePositives: counts.falsePositives, recall: counts.recall,
                           precision: counts.precision, f1: counts.f1)
            }
            macroROCAUC = SummaryValue(mean: report.summary.macroROCAUC.mean,
                                       std: report.summary.macroROCAUC.standardDeviation,
                                       pooled: report.pooledMacro.rocAUC)
            macroF1 = SummaryValue(mean: report.summary.macroF1.mean, std: report.summary.macroF1.standardDeviation,
                                   pooled: report.pooledMacro.f1)
            macroPrecision = SummaryValue(mean: report.summary.macroPrecision.mean, std: nil,
                                          pooled: report.pooledMacro.precision)
            macroRecall = SummaryValue(mean: report.summary.macroRecall.mean, std: nil,
                                       pooled: report.pooledMacro.recall)
            foldCount = report.foldCount
            repeatCount = report.repeatCount
            mode = report.mode
        } else {
            source = .curves
            if let pooledGrids, let index = ThresholdGrid.index(of: threshold) {
                rows = pooledGrids.map { Self.rowFromGrid($0.concept, rocAUC: $0.rocAUC, $0.pooled, index: index) }
            } else {
                rows = (metrics.binaryMetrics ?? []).map { Self.rowFromCurves($0, threshold: threshold) }
            }
            macroROCAUC = SummaryValue(mean: Self.defined(summary.macroAvgRocAuc),
                                       std: Self.defined(summary.macroStdRocAuc), pooled: nil)
            macroF1 = SummaryValue(mean: Self.defined(summary.macroAvgF1Score),
                                   std: Self.defined(summary.macroStdF1Score), pooled: nil)
            macroPrecision = SummaryValue(mean: Self.defined(summary.macroAvgPrecision), std: nil, pooled: nil)
            macroRecall = SummaryValue(mean: Self.defined(summary.macroAvgRecall), std: nil, pooled: nil)
            foldCount = nil
            repeatCount = nil
            mode = metrics.evalInfo?.params?["use_kfold"].flatMap { value in
                if case .bool(let kfold) = value { return kfold ? .kfold : .holdout }
                return nil
            }
        }
        self.note = note
        self.evaluatedThreshold = evaluatedThreshold
        total = Self.totalRow(rows, macroROCAUC: macroROCAUC)
        advice = Self.thresholdAdvice(
            total: total, rocAUC: macroROCAUC.mean, threshold: threshold,
            model: metrics.extendedMetrics?.userMetrics?["crossfold"]?["run"]?["model"]?.stringValue)
    }

    /// The table as text (see `text`).
    public static func render(_ metrics: EvalMetrics, threshold: Double) -> String {
        ConceptTable(metrics, threshold: threshold).text
    }

    /// A row read from the curves the way Clarifai's SDK reads it.
    static func rowFromCurves(_ binary: BinaryMetrics, threshold: Double) -> Row {
        let numPos = binary.numPos ?? 0
        let numNeg = binary.numNeg ?? 0
        var row = Row(concept: binary.concept?.id ?? "?", rocAUC: defined(binary.rocAuc), rocAUCStd: nil,
                      totalLabeled: numPos)
        guard
            let pr = binary.precisionRecallCurve, let roc = binary.rocCurve,
            let prIndex = gridIndex(pr.thresholds, threshold), let rocIndex = gridIndex(roc.thresholds, threshold),
            let precision = pr.precision?[safe: prIndex], let recall = pr.recall?[safe: prIndex],
            let fpr = roc.fpr?[safe: rocIndex], let tpr = roc.tpr?[safe: rocIndex]
        else { return row }
        let truePositives = Int((tpr * Double(numPos) + 1e-6).rounded(.down))
        let falsePositives = Int((fpr * Double(numNeg) + 1e-6).rounded(.down))
        row.truePositives = truePositives
        row.falseNegatives = numPos - truePositives
        row.falsePositives = falsePositives
        row.totalPredicted = truePositives + falsePositives
        row.recall = recall
        row.precision = precision
        row.f1 = f1(precision, recall)
        return row
    }

    /// A row of a crossfold result at another grid threshold: the pooled counts there, exactly.
    static func rowFromGrid(_ concept: String, rocAUC: Double?, _ pooled: CrossfoldReport.PooledConcept, index: Int) -> Row {
        guard let counts = pooled.grid?.counts(at: index) else {
            return Row(concept: concept, rocAUC: rocAUC, rocAUCStd: nil, totalLabeled: pooled.positives)
        }
        return Row(concept: concept, rocAUC: rocAUC, rocAUCStd: nil, totalLabeled: counts.labelledPositives,
                   totalPredicted: counts.predictedPositives, truePositives: counts.truePositives,
                   falseNegatives: counts.falseNegatives, falsePositives: counts.falsePositives, recall: counts.recall,
                   precision: counts.precision, f1: counts.f1)
    }

    /// The index of `threshold` in `thresholds`, both rounded to two decimals (the SDK's lookup).
    static func gridIndex(_ thresholds: [Double]?, _ threshold: Double) -> Int? {
        guard let thresholds else { return nil }
        let wanted = (threshold * 100).rounded()
        return thresholds.firstIndex { ($0 * 100).rounded() == wanted }
    }

    private static func totalRow(_ rows: [Row], macroROCAUC: SummaryValue) -> Row {
        func sum(_ value: (Row) -> Int?) -> Int? {
            let values = rows.compactMap(value)
            return values.count == rows.count && !rows.isEmpty ? values.reduce(0, +) : nil
        }
        let labeled = sum(\.totalLabeled)
        func weighted(_ value: (Row) -> Double?) -> Double? {
            guard let labeled else { return nil }
            var sum = 0.0
            for row in rows {
                guard let rate = value(row), let rowLabeled = row.totalLabeled else { return nil }
                sum += rate * Double(rowLabeled)
            }
            return labeled > 0 ? sum / Double(labeled) : 0
        }
        let precision = weighted(\.precision)
        let recall = weighted(\.recall)
        return Row(concept: "Total", rocAUC: macroROCAUC.mean, rocAUCStd: macroROCAUC.std, totalLabeled: labeled,
                   totalPredicted: sum(\.totalPredicted), truePositives: sum(\.truePositives),
                   falseNegatives: sum(\.falseNegatives), falsePositives: sum(\.falsePositives),
                   recall: recall, precision: precision,
                   f1: precision.flatMap { p in recall.map { r in f1(p, r) } })
    }

    static func f1(_ precision: Double, _ recall: Double) -> Double {
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// Clarifai may send NaN (as the string "NaN") for an undefined metric.
    static func defined(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
