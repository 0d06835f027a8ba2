/// Nested cross validation of a sweep (docs/RESULTS.md, Sweeps): each outer fold's configuration is
/// the best of a sweep over that fold's training rows alone (the inner cross validation), and the
/// outer fold is scored with it. The mean over the outer folds estimates how well the whole
/// procedure, selection included, does on new data; the sweep's best mean is optimistic, having
/// been chosen on the very folds it is reported on.
public struct NestedSelection: Sendable, Equatable, Codable {
    /// One outer fold: which configuration its inner sweep chose and its score on the fold.
    public struct OuterFold: Sendable, Equatable, Codable {
        public var fold: Int
        /// Index in the sweep's `configurations`.
        public var chosen: Int
        public var label: String
        /// The chosen configuration's metric on this outer fold (the outer sweep's fold row).
        public var score: Double?
        /// The chosen configuration's inner mean, what it was chosen by.
        public var innerMean: Double?

        enum CodingKeys: String, CodingKey {
            case fold, chosen, label, score
            case innerMean = "inner_mean"
        }
    }

    public var metric: String
    public var innerFolds: Int
    public var folds: [OuterFold]
    /// Mean and sample std (ddof 1) of the outer folds' scores.
    public var mean: Double?
    public var std: Double?

    enum CodingKeys: String, CodingKey {
        case metric, folds, mean, std
        case innerFolds = "inner_folds"
    }

    /// The nested estimate from the outer sweep's `reports` (one per configuration, one repeat) and,
    /// per outer fold in order, its inner sweep's comparison.
    public init(reports: [CrossfoldReport], labels: [String], inner: [SweepComparison], innerFolds: Int, metric: SelectionMetric) {
        self.metric = metric.rawValue
        self.innerFolds = innerFolds
        folds = inner.enumerated().map { fold, comparison in
            let chosen = comparison.best
            let row = reports[chosen].folds.first { $0.repeatIndex == 0 && $0.fold == fold }
            return OuterFold(fold: fold, chosen: chosen, label: labels[chosen], score: row.flatMap { metric.value($0.macro) },
                             innerMean: comparison.rows.first { $0.best }?.mean)
        }
        let statistic = FoldStatistic(folds.map(\.score))
        mean = statistic.mean
        std = statistic.standardDeviation
    }
}
