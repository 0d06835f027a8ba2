/// The per-fold macro value a sweep is compared and its best configuration chosen by (`--select`).
/// Every one is better when higher.
public enum SelectionMetric: String, CaseIterable, Sendable, Codable {
    case rocAUC = "roc-auc"
    case averagePrecision = "average-precision"
    case f1
    case precision
    case recall

    /// For tables: "macro ROC AUC".
    public var title: String {
        switch self {
        case .rocAUC: "macro ROC AUC"
        case .averagePrecision: "macro average precision"
        case .f1: "macro F1"
        case .precision: "macro precision"
        case .recall: "macro recall"
        }
    }

    /// The field of a fold row (`extended_metrics.user_metrics.crossfold.folds[]`) it reads.
    public var foldField: String {
        switch self {
        case .rocAUC: "macro_roc_auc"
        case .averagePrecision: "macro_avg_precision"
        case .f1: "macro_f1"
        case .precision: "macro_precision"
        case .recall: "macro_recall"
        }
    }

    /// Its value in one fold; nil where undefined (ROC AUC of a fold without a positive).
    public func value(_ macro: MacroValues) -> Double? {
        switch self {
        case .rocAUC: macro.rocAUC
        case .averagePrecision: macro.averagePrecision
        case .f1: macro.f1
        case .precision: macro.precision
        case .recall: macro.recall
        }
    }

    /// `--select` values, for messages and help.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
