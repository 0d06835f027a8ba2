import Datasets
import Logging

/// What a loaded dataset is for, which decides how its warnings read.
enum DatasetRole: Sendable {
    /// Split into folds: each warning as the validator words it ("will vary from fold to fold").
    case training
    /// Evaluated once (`--holdout`): its few-inputs warnings in one line, without fold wording.
    case holdout
}

/// Logs the validator's warnings about a dataset the way its role calls for.
enum DatasetWarnings {
    static func log(_ warnings: [DatasetWarning], of dataset: Dataset, file: String, role: DatasetRole, logger: Logger) {
        var rest = warnings
        if role == .holdout, let summary = holdoutSummary(warnings, of: dataset, file: file) {
            logger.warning("\(summary)")
            rest.removeAll { $0.kind == .fewInputsPerConcept }
        }
        for warning in rest { logger.warning("\(warning.description)") }
    }

    /// One line for a holdout's concepts under Clarifai's recommended count, or nil when none is.
    static func holdoutSummary(_ warnings: [DatasetWarning], of dataset: Dataset, file: String) -> String? {
        let few = warnings.filter { $0.kind == .fewInputsPerConcept }.compactMap(\.concept)
        guard !few.isEmpty else { return nil }
        let counts = dataset.positiveCounts
        let listed = few.map { concept in
            let count = dataset.concepts.firstIndex(of: concept).map { String(counts[$0]) } ?? "?"
            return "\(concept): \(count)"
        }
        let subject = few.count == 1 ? "1 concept has" : "\(few.count) concepts have"
        return "\(file) (the holdout): \(subject) fewer than \(DatasetValidator.recommendedPositivesPerConcept) "
            + "positive inputs (\(listed.joined(separator: ", "))), so their metrics rest on few inputs "
            + "(warning \(DatasetWarning.Kind.fewInputsPerConcept.rawValue)). Hold out more inputs of them for steadier numbers."
    }
}
