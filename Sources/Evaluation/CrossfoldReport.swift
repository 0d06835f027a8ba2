/// crossfold's extras, stored as `extended_metrics.user_metrics.crossfold`: everything Clarifai's
/// EvalMetrics has no field for. docs/RESULTS.md documents every field.
///
/// `json` writes it (undefined values as JSON null, never NaN) and `init(json:)` reads it back, so
/// a report can be rebuilt from a result file alone.
public struct CrossfoldReport: Sendable, Equatable {
    /// The layout version this code writes and reads.
    public static let currentFormatVersion = 1

    /// One concept: mean-of-folds statistics and the pooled values.
    public struct ConceptRow: Sendable, Equatable {
        public var concept: String
        public var rocAUC: FoldStatistic
        public var averagePrecision: FoldStatistic
        public var f1: FoldStatistic
        public var precision: FoldStatistic
        public var recall: FoldStatistic
        public var pooled: PooledConcept

        public init(concept: String, rocAUC: FoldStatistic, averagePrecision: FoldStatistic, f1: FoldStatistic,
                    precision: FoldStatistic, recall: FoldStatistic, pooled: PooledConcept) {
            self.concept = concept
            self.rocAUC = rocAUC
            self.averagePrecision = averagePrecision
            self.f1 = f1
            self.precision = precision
            self.recall = recall
            self.pooled = pooled
        }
    }

    /// One concept over all out-of-fold predictions of all repeats.
    public struct PooledConcept: Sendable, Equatable {
        public var positives: Int
        public var negatives: Int
        public var counts: ThresholdCounts
        public var rocAUC: Double?
        public var averagePrecision: Double?
        /// The pooled counts on the 101-point grid, so the table can be read at any grid threshold
        /// exactly; nil in files written before they were kept.
        public var grid: GridCurves?

        public init(positives: Int, negatives: Int, counts: ThresholdCounts, rocAUC: Double?, averagePrecision: Double?,
                    grid: GridCurves? = nil) {
            self.positives = positives
            self.negatives = negatives
            self.counts = counts
            self.rocAUC = rocAUC
            self.averagePrecision = averagePrecision
            self.grid = grid
        }
    }

    /// One concept within one fold.
    public struct FoldConcept: Sendable, Equatable {
        public var concept: String
        public var positives: Int
        public var negatives: Int
        public var counts: ThresholdCounts
        public var rocAUC: Double?
        public var averagePrecision: Double?

        public init(concept: String, positives: Int, negatives: Int, counts: ThresholdCounts,
                    rocAUC: Double?, averagePrecision: Double?) {
            self.concept = concept
            self.positives = positives
            self.negatives = negatives
            self.counts = counts
            self.rocAUC = rocAUC
            self.averagePrecision = averagePrecision
        }
    }

    /// One (repeat, fold) task.
    public struct FoldRow: Sendable, Equatable {
        public var repeatIndex: Int
        public var fold: Int
        public var rowCount: Int
        public var macro: MacroValues
        public var worker: String?
        public var seconds: Double?
        public var concepts: [FoldConcept]

        public init(repeatIndex: Int, fold: Int, rowCount: Int, macro: MacroValues, worker: String?,
                    seconds: Double?, concepts: [FoldConcept]) {
            self.repeatIndex = repeatIndex
            self.fold = fold
            self.rowCount = rowCount
            self.macro = macro
            self.worker = worker
            self.seconds = seconds
            self.concepts = concepts
        }
    }

    /// Counts of the top-scoring concept per actual concept, rows and columns in `conceptIDs` order.
    public struct ConfusionCounts: Sendable, Equatable {
        public var conceptIDs: [String]
        public var matrix: [[Int]]

        public init(conceptIDs: [String], matrix: [[Int]]) {
            self.conceptIDs = conceptIDs
            self.matrix = matrix
        }
    }

    public var formatVersion: Int
    public var mode: EvaluationMode
    public var threshold: Double
    /// The ddof of every standard deviation (1: sample standard deviation).
    public var stdDDOF: Int
    public var foldCount: Int
    public var repeatCount: Int
    public var run: RunDescription
    /// Mean and sample std over the folds of each fold's macro value.
    public var summary: EvaluationSummary
    /// Macro values over the pooled out-of-fold predictions.
    public var pooledMacro: MacroValues
    /// Predictions pooled: inputs × repeats.
    public var pooledPredictionCount: Int
    public var concepts: [ConceptRow]
    public var folds: [FoldRow]
    public var confusionCounts: ConfusionCounts

    public init(formatVersion: Int = CrossfoldReport.currentFormatVersion, mode: EvaluationMode, threshold: Double,
                stdDDOF: Int = FoldStatistic.ddof, foldCount: Int, repeatCount: Int, run: RunDescription,
                summary: EvaluationSummary, pooledMacro: MacroValues, pooledPredictionCount: Int,
                concepts: [ConceptRow], folds: [FoldRow], confusionCounts: ConfusionCounts) {
        self.formatVersion = formatVersion
        self.mode = mode
        self.threshold = threshold
        self.stdDDOF = stdDDOF
        self.foldCount = foldCount
        self.repeatCount = repeatCount
        self.run = run
        self.summary = summary
        self.pooledMacro = pooledMacro
        self.pooledPredictionCount = pooledPredictionCount
        self.concepts = concepts
        self.folds = folds
        self.confusionCounts = confusionCounts
    }

    /// The report stored in `metrics.extended_metrics.user_metrics.crossfold`, nil when there is none
    /// (a result computed by Clarifai).
    ///
    /// - Throws: `CrossfoldReportError` when the block exists but cannot be read.
    public init?(metrics: EvalMetrics) throws(CrossfoldReportError) {
        guard let block = metrics.extendedMetrics?.userMetrics?["crossfold"] else { return nil }
        try self.init(json: block)
    }
}

/// A `crossfold` block in `user_metrics` that does not follow the documented layout.
public enum CrossfoldReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required field is missing or has the wrong JSON type; `path` is dotted (`concepts[2].pooled.tp`).
    case invalidField(path: String, expected: String)
    /// A layout version this code does not read.
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .invalidField(let path, let expected):
            "user_metrics.crossfold.\(path): expected \(expected); the result file was edited or written by another tool"
        case .unsupportedVersion(let version):
            "user_metrics.crossfold.format_version \(version) is not supported "
                + "(this crossfold reads version \(CrossfoldReport.currentFormatVersion)): use the crossfold that wrote it"
        }
    }
}
