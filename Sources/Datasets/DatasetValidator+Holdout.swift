extension DatasetValidator {
    /// Checks a holdout dataset against the dataset a model is trained on (`--holdout`,
    /// Clarifai's use_kfold=false) and returns it with its concept columns in the training
    /// dataset's order, so predictions and truths line up column by column.
    ///
    /// The holdout needs the same number of features and no concept the model was not trained on;
    /// a training concept the holdout lacks becomes an all-negative column. The per-concept minimum
    /// counts apply to the training dataset, not to the holdout.
    ///
    /// - Throws: `DatasetError` with rule `empty-dataset`, `non-finite-value`, `duplicate-id` or
    ///   `dataset-mismatch` (naming the holdout file).
    public static func alignHoldout(
        _ holdout: Dataset, file: String, to training: Dataset, trainingFile: String
    ) throws(DatasetError) -> Dataset {
        guard holdout.rowCount > 0 else {
            throw DatasetError(.empty, file: file, "the holdout dataset has no inputs",
                               fix: "Give a holdout file with labelled inputs.")
        }
        guard holdout.featureCount == training.featureCount else {
            throw DatasetError(.mismatch, file: file,
                               "the holdout has \(holdout.featureCount) features but \(trainingFile) has \(training.featureCount)",
                               fix: "Give a holdout with the same features, in the same order, as the training dataset.")
        }
        var trainingColumn: [String: Int] = [:]
        for (column, concept) in training.concepts.enumerated() { trainingColumn[concept] = column }
        let unknown = holdout.concepts.filter { trainingColumn[$0] == nil }
        if let first = unknown.first {
            let more = unknown.count > 1 ? " (and \(unknown.count - 1) more)" : ""
            throw DatasetError(.mismatch, file: file,
                               "concept \(DatasetError.quoted(first))\(more) is not in \(trainingFile)",
                               fix: "A model only predicts the concepts it was trained on; remove or rename the holdout's other concepts.")
        }
        if !training.isMultiLabel, holdout.isMultiLabel {
            throw DatasetError(.mismatch, file: file,
                               "the holdout is multi-label but \(trainingFile) has exclusive concepts (one per input)",
                               fix: "Give every holdout input exactly one concept, or train on a multi-label dataset.")
        }
        try checkFinite(holdout, file: file)
        try checkUniqueIds(holdout, file: file)

        let width = training.conceptCount
        let columns = holdout.concepts.compactMap { trainingColumn[$0] }
        var labels = [UInt8](repeating: 0, count: holdout.rowCount * width)
        for row in 0..<holdout.rowCount {
            for (k, column) in columns.enumerated() where holdout.isPositive(row: row, concept: k) {
                labels[row * width + column] = 1
            }
        }
        return Dataset(featureCount: holdout.featureCount, features: holdout.features, concepts: training.concepts,
                       labels: labels, ids: holdout.ids, groups: holdout.groups, isMultiLabel: training.isMultiLabel)
    }
}
