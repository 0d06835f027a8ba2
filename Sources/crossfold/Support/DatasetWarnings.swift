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
        for line in lines(warnings, of: dataset, file: file, role: role) { logger.warning("\(line)") }
    }

    /// A training dataset's few-inputs warnings one per concept up to this many; past it, the first
    /// few and one line for the rest (300 thin concepts made 300 lines before the job started).
    static let listedOneByOne = 5
    static let listedBeforeSummary = 3

    /// The lines `log` writes.
    static func lines(_ warnings: [DatasetWarning], of dataset: Dataset, file: String, role: DatasetRole) -> [String] {
        let few = warnings.filter { $0.kind == .fewInputsPerConcept }
        let others = warnings.filter { $0.kind != .fewInputsPerConcept }.map(\.description)
        switch role {
        case .holdout:
            return (holdoutSummary(warnings, of: dataset, file: file).map { [$0] } ?? []) + others
        case .training:
            guard few.count > listedOneByOne else { return warnings.map(\.description) }
            let listed = few.prefix(listedBeforeSummary).map(\.description)
            let counts = positives(of: dataset)
            let rest = few.dropFirst(listedBeforeSummary).compactMap(\.concept).compactMap { counts[$0] }
            let range = rest.min().map { least in
                let most = rest.max() ?? least
                return least == most ? " (\(least) each)" : " (\(least)–\(most) each)"
            } ?? ""
            let summary = "\(file): \(few.count - listedBeforeSummary) more concepts have fewer than "
                + "\(DatasetValidator.recommendedPositivesPerConcept) positive inputs\(range), "
                + "\(few.count) in all (warning \(DatasetWarning.Kind.fewInputsPerConcept.rawValue)). Their metrics will vary a "
                + "lot from fold to fold; `crossfold dataset inspect \(file)` lists every concept's count."
            return listed + [summary] + others
        }
    }

    /// One line for a holdout's concepts under Clarifai's recommended count, or nil when none is.
    static func holdoutSummary(_ warnings: [DatasetWarning], of dataset: Dataset, file: String) -> String? {
        let few = warnings.filter { $0.kind == .fewInputsPerConcept }.compactMap(\.concept)
        guard !few.isEmpty else { return nil }
        let counts = positives(of: dataset)
        let listed = few.map { concept in "\(concept): \(counts[concept].map(String.init) ?? "?")" }
        let subject = few.count == 1 ? "1 concept has" : "\(few.count) concepts have"
        return "\(file) (the holdout): \(subject) fewer than \(DatasetValidator.recommendedPositivesPerConcept) "
            + "positive inputs (\(listed.joined(separator: ", "))), so their metrics rest on few inputs "
            + "(warning \(DatasetWarning.Kind.fewInputsPerConcept.rawValue)). Hold out more inputs of them for steadier numbers."
    }

    /// Each concept's positive inputs by its id (the warnings name concepts, not columns): one
    /// lookup per warning, where a search of the concept list per warning grew with their square.
    private static func positives(of dataset: Dataset) -> [String: Int] {
        Dictionary(zip(dataset.concepts, dataset.positiveCounts)) { first, _ in first }
    }
}
