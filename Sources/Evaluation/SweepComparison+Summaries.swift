extension SweepComparison {
    /// What `test` says when the results compared have no per-fold scores.
    public static let noPairedTest = "none: Clarifai's results have no per-fold scores to pair"

    /// Results known only by their summaries (Clarifai's evaluations: a mean and, for ROC AUC and
    /// F1, a std over the splits, but no per-split scores), side by side: sorted and the best marked
    /// as for a sweep, with no paired test. Nil without a result.
    public init?(labels: [String], summaries: [EvalMetrics], metric: SelectionMetric) {
        precondition(labels.count == summaries.count, "one label per result")
        guard !summaries.isEmpty else { return nil }
        let values = summaries.map { Self.summaryValue($0, metric) }
        let order = Self.bestFirst(values.map(\.mean))
        self.metric = metric.rawValue
        self.field = metric.foldField
        self.test = Self.noPairedTest
        self.testTrainRatio = nil
        self.best = order[0]
        self.rows = order.map { index in
            Row(configuration: index, label: labels[index], mean: values[index].mean, std: values[index].std,
                folds: 0, best: index == order[0])
        }
    }

    /// The metric's mean and std as a result's summary reports them (average precision: the mean
    /// of the concepts' `avg_precision`, without a std); NaN reads as undefined.
    static func summaryValue(_ metrics: EvalMetrics, _ metric: SelectionMetric) -> (mean: Double?, std: Double?) {
        func defined(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        let summary = metrics.summary
        switch metric {
        case .rocAUC: return (defined(summary?.macroAvgRocAuc), defined(summary?.macroStdRocAuc))
        case .f1: return (defined(summary?.macroAvgF1Score), defined(summary?.macroStdF1Score))
        case .precision: return (defined(summary?.macroAvgPrecision), nil)
        case .recall: return (defined(summary?.macroAvgRecall), nil)
        case .averagePrecision: return (meanOfDefined((metrics.binaryMetrics ?? []).map { defined($0.avgPrecision) }), nil)
        }
    }
}
