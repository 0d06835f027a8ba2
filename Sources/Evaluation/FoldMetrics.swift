/// Macro averages over concepts of one set of per-concept metrics (a fold, or the pooled set).
///
/// ROC AUC and average precision average the concepts where they are defined (nil when none is);
/// F1, precision and recall at the threshold average every concept, an undefined ratio counting
/// as 0 (`zero_division=0`, as scikit-learn's `average='macro'`).
public struct MacroValues: Sendable, Equatable {
    public let rocAUC: Double?
    public let averagePrecision: Double?
    public let f1: Double?
    public let precision: Double?
    public let recall: Double?

    public init(rocAUC: Double?, averagePrecision: Double?, f1: Double?, precision: Double?, recall: Double?) {
        self.rocAUC = rocAUC
        self.averagePrecision = averagePrecision
        self.f1 = f1
        self.precision = precision
        self.recall = recall
    }

    /// The macro values of `concepts`.
    public init(concepts: [ConceptMetrics]) {
        rocAUC = meanOfDefined(concepts.map(\.rocAUC))
        averagePrecision = meanOfDefined(concepts.map(\.averagePrecision))
        f1 = meanOfDefined(concepts.map { $0.atThreshold.f1 })
        precision = meanOfDefined(concepts.map { $0.atThreshold.precision })
        recall = meanOfDefined(concepts.map { $0.atThreshold.recall })
    }
}

/// The metrics of one (repeat, fold) task: every concept over the fold's held-out inputs.
public struct FoldMetrics: Sendable, Equatable {
    public let repeatIndex: Int
    public let fold: Int
    /// Held-out inputs in the fold (num_tot).
    public let rowCount: Int
    /// Per concept, in dataset order; without grid curves.
    public let concepts: [ConceptMetrics]
    /// Macro averages over the concepts of this fold.
    public let macro: MacroValues

    public init(repeatIndex: Int, fold: Int, rowCount: Int, concepts: [ConceptMetrics]) {
        self.repeatIndex = repeatIndex
        self.fold = fold
        self.rowCount = rowCount
        self.concepts = concepts
        self.macro = MacroValues(concepts: concepts)
    }
}
