/// A sweep's configurations side by side (docs/RESULTS.md, Sweeps): each configuration's mean ±
/// std over the folds of one selection metric, sorted best first, and every other configuration
/// compared with the best over the same folds by the corrected resampled t-test
/// (`CorrectedTTest`). Pure: computed from each configuration's crossfold report alone, so any
/// `--select` can be applied to a finished sweep.
public struct SweepComparison: Sendable, Equatable, Codable {
    /// One configuration's line.
    public struct Row: Sendable, Equatable, Codable {
        /// Its index in the sweep's `configurations`.
        public var configuration: Int
        /// `knn k=5`.
        public var label: String
        /// Mean and sample std (ddof 1) of the metric over the folds where it is defined.
        public var mean: Double?
        public var std: Double?
        /// Folds with a defined value.
        public var folds: Int
        public var best: Bool
        /// Against the best configuration; absent for the best itself.
        public var versusBest: Paired?

        enum CodingKeys: String, CodingKey {
            case configuration, label, mean, std, folds, best
            case versusBest = "versus_best"
        }
    }

    /// One configuration against the best over the folds both define.
    public struct Paired: Sendable, Equatable, Codable {
        /// mean(this − best) over the paired folds.
        public var meanDifference: Double
        public var t: Double?
        public var pValue: Double?
        public var degreesOfFreedom: Int
        /// Folds both configurations define (J).
        public var pairedFolds: Int
        /// Folds where this configuration scored higher than the best, lower, the same.
        public var wins: Int
        public var losses: Int
        public var ties: Int

        enum CodingKeys: String, CodingKey {
            case t, wins, losses, ties
            case meanDifference = "mean_difference"
            case pValue = "p_value"
            case degreesOfFreedom = "degrees_of_freedom"
            case pairedFolds = "paired_folds"
        }
    }

    /// `--select`'s value (`roc-auc`, ...).
    public var metric: String
    /// The fold rows' field it reads (`macro_roc_auc`, ...).
    public var field: String
    public var test: String
    /// n_test/n_train of the test's variance correction: the mean held-out rows of a fold over the
    /// rest of the dataset; absent when there is no paired test (results without per-fold scores).
    public var testTrainRatio: Double?
    /// The best configuration's index in `configurations`.
    public var best: Int
    /// Every configuration, best first (by mean, undefined last, ties in sweep order).
    public var rows: [Row]

    public static let testName = "corrected resampled t-test (Nadeau and Bengio 2003), two-sided"

    enum CodingKeys: String, CodingKey {
        case metric, field, test, best, rows
        case testTrainRatio = "test_train_ratio"
    }

    /// Compares `reports` (one per configuration, in sweep order, all on the same fold plan) by
    /// `metric`; `labels` name the configurations. Nil without a configuration.
    public init?(labels: [String], reports: [CrossfoldReport], metric: SelectionMetric) {
        precondition(labels.count == reports.count, "one label per report")
        guard !reports.isEmpty else { return nil }
        // Per configuration, the metric of each (repeat, fold).
        let scores: [[FoldKey: Double]] = reports.map { report in
            var byFold: [FoldKey: Double] = [:]
            for row in report.folds {
                if let value = metric.value(row.macro) { byFold[FoldKey(repeatIndex: row.repeatIndex, fold: row.fold)] = value }
            }
            return byFold
        }
        let statistics = reports.map { report in FoldStatistic(report.folds.map { metric.value($0.macro) }) }
        let order = Self.bestFirst(statistics.map(\.mean))
        let best = order[0]
        let bestReport = reports[best]
        let heldOut = bestReport.folds.isEmpty
            ? 0 : Double(bestReport.folds.reduce(0) { $0 + $1.rowCount }) / Double(bestReport.folds.count)
        let training = Double(bestReport.run.dataset.rows) - heldOut
        let ratio = training > 0 ? heldOut / training : 0

        self.metric = metric.rawValue
        self.field = metric.foldField
        self.test = Self.testName
        self.testTrainRatio = ratio
        self.best = best
        self.rows = order.map { index in
            var row = Row(configuration: index, label: labels[index], mean: statistics[index].mean,
                          std: statistics[index].standardDeviation, folds: statistics[index].count, best: index == best)
            if index != best {
                row.versusBest = Self.paired(scores[index], against: scores[best], ratio: ratio)
            }
            return row
        }
    }

    /// Indices of `means`, highest first, undefined last, ties in their order.
    static func bestFirst(_ means: [Double?]) -> [Int] {
        means.indices.sorted { a, b in
            switch (means[a], means[b]) {
            case let (x?, y?): x != y ? x > y : a < b
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a < b
            }
        }
    }

    /// The paired comparison over the folds both define, in (repeat, fold) order.
    static func paired(_ scores: [FoldKey: Double], against best: [FoldKey: Double], ratio: Double) -> Paired {
        let differences = scores.compactMap { key, value in best[key].map { (key, value - $0) } }
            .sorted { $0.0 < $1.0 }.map(\.1)
        let test = CorrectedTTest(differences: differences, testTrainRatio: ratio)
        return Paired(
            meanDifference: FoldStatistic.meanAndVariance(differences)?.mean ?? 0,
            t: test?.t, pValue: test?.pValue, degreesOfFreedom: max(0, differences.count - 1), pairedFolds: differences.count,
            wins: differences.filter { $0 > 0 }.count, losses: differences.filter { $0 < 0 }.count,
            ties: differences.filter { $0 == 0 }.count)
    }

    struct FoldKey: Hashable, Comparable {
        let repeatIndex: Int
        let fold: Int

        static func < (a: FoldKey, b: FoldKey) -> Bool { (a.repeatIndex, a.fold) < (b.repeatIndex, b.fold) }
    }
}
