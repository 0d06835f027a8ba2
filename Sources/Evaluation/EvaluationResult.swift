/// How the predictions were produced.
public enum EvaluationMode: String, Sendable, Equatable, Codable {
    /// K-fold cross validation, possibly repeated (Clarifai's `use_kfold: true`).
    case kfold
    /// A model trained on one dataset and scored on a separate holdout dataset (`use_kfold: false`).
    case holdout
}

/// One concept's metrics summarised over the folds (mean and sample standard deviation).
public struct ConceptSummary: Sendable, Equatable {
    public let concept: String
    /// ROC AUC over the folds where it is defined.
    public let rocAUC: FoldStatistic
    /// Average precision over the folds where it is defined.
    public let averagePrecision: FoldStatistic
    /// F1, precision and recall at the threshold over every fold.
    public let f1: FoldStatistic
    public let precision: FoldStatistic
    public let recall: FoldStatistic
}

/// Clarifai's summary: each fold's macro value (over concepts), then mean and sample standard
/// deviation over the folds. `macroROCAUC.mean` is `macro_avg_roc_auc`, its standard deviation
/// `macro_std_roc_auc`, and so on.
public struct EvaluationSummary: Sendable, Equatable {
    public let macroROCAUC: FoldStatistic
    public let macroF1: FoldStatistic
    public let macroPrecision: FoldStatistic
    public let macroRecall: FoldStatistic
    public let macroAveragePrecision: FoldStatistic
}

/// Everything an evaluation measured: per fold, per concept over the folds, split-averaged curves,
/// pooled over all out-of-fold predictions, and the summary. Build one with `Evaluator`.
///
/// Three kinds of numbers sit side by side and are labelled apart in every report
/// (docs/RESULTS.md):
/// - mean-of-folds: a metric is computed inside each fold, then averaged over the folds
///   (Clarifai's per-concept `roc_auc`/`f1`/`avg_precision`, `macro_std_*`);
/// - split-averaged: each fold's curve values averaged point by point (Clarifai's
///   `binary_metrics` curves, `macro_avg_precision`/`macro_avg_recall`);
/// - pooled: a metric is computed once over all out-of-fold predictions of all repeats together
///   (H2O's "xval" style; the table's counts at the threshold).
public struct EvaluationResult: Sendable, Equatable {
    public let mode: EvaluationMode
    /// The decision threshold the counts, precision, recall and F1 use.
    public let threshold: Double
    /// Number of folds K (1 in holdout mode).
    public let folds: Int
    /// Number of repeats R (1 in holdout mode).
    public let repeats: Int
    /// Concept ids in dataset order; every per-concept array follows it.
    public let concepts: [String]
    /// Input ids of the evaluated dataset, in input order.
    public let inputIDs: [String]
    /// Per task, ordered by (repeat, fold).
    public let foldMetrics: [FoldMetrics]
    /// Per concept: mean and sample standard deviation over the folds.
    public let conceptSummaries: [ConceptSummary]
    /// Macro values: mean and sample standard deviation over the folds.
    public let summary: EvaluationSummary
    /// Per concept over all out-of-fold predictions of all repeats, with grid curves.
    public let pooled: [ConceptMetrics]
    /// Macro values of `pooled`.
    public let pooledMacro: MacroValues
    /// Per concept: the curves of every task averaged point by point (Clarifai's "K-split
    /// average", the curves of `binary_metrics`).
    public let splitCurves: [SplitMeanCurves]
    /// Confusion matrices over all out-of-fold predictions.
    public let confusion: ConceptConfusion
    /// Label counts and co-occurrence over the whole evaluated dataset.
    public let labels: LabelStatistics
    /// Out-of-fold predictions in input order, one per repeat.
    public let outOfFold: [OutOfFoldPredictions]

    /// Number of evaluated inputs.
    public var rowCount: Int { inputIDs.count }
}
