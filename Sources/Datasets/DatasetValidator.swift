/// Checks a loaded dataset against the rules an evaluation needs (README.md, Datasets), with
/// Clarifai's requirements: at least 2 concepts (21315) and at least 10 positive inputs per
/// concept (21316), and its recommendation of at least 50 as a warning.
///
/// The readers have already checked what has a line number (syntax, widths, numbers, ids); the
/// validator checks the dataset as a whole and repeats the per-row checks for datasets that come
/// from elsewhere (a canonical file, a peer), naming rows by their 0-based index.
public enum DatasetValidator {
    /// Clarifai's minimum number of concepts (code 21315 below it).
    public static let minimumConcepts = 2
    /// Clarifai's minimum number of positive inputs per concept (code 21316 below it).
    public static let minimumPositivesPerConcept = 10
    /// Clarifai's recommended number of positive inputs per concept; fewer gives a warning.
    public static let recommendedPositivesPerConcept = 50

    /// Validates `dataset`, returning the warnings when it is usable.
    ///
    /// - Parameters:
    ///   - file: the file the dataset came from, for the messages.
    ///   - checkingValues: false when every feature value was already checked (by a reader, or in
    ///     the pass that hashed the file), which spares a pass over the whole matrix.
    ///   - checkingIds: false when the ids were already checked for duplicates (by a reader, or when
    ///     the file was validated before and is unchanged), which spares a table of every id.
    /// - Throws: `DatasetError` for the first rule broken, in this order: empty, no features,
    ///   NaN or infinity, duplicate id, exclusive row without exactly one concept, fewer than 2
    ///   concepts, a concept with fewer than 10 positive inputs.
    public static func validate(
        _ dataset: Dataset, file: String, checkingValues: Bool = true, checkingIds: Bool = true
    ) throws(DatasetError) -> [DatasetWarning] {
        guard dataset.rowCount > 0 else {
            throw DatasetError(.empty, file: file, "the dataset has no inputs",
                               fix: "Add labelled inputs; Clarifai needs at least \(minimumPositivesPerConcept) per concept.")
        }
        guard dataset.featureCount > 0 else {
            throw DatasetError(.missingField, file: file, "the dataset has no features",
                               fix: "Give every input at least one numeric feature.")
        }
        if checkingValues { try checkFinite(dataset, file: file) }
        if checkingIds { try checkUniqueIds(dataset, file: file) }
        if !dataset.isMultiLabel { try checkExclusiveRows(dataset, file: file) }

        let counts = dataset.positiveCounts
        guard dataset.conceptCount >= minimumConcepts else {
            let named = dataset.concepts.first.map { " (\(DatasetError.quoted($0)))" } ?? ""
            throw DatasetError(.tooFewConcepts, file: file,
                               "the dataset has \(dataset.conceptCount) concept\(dataset.conceptCount == 1 ? "" : "s")\(named); "
                                   + "evaluating a classifier needs at least \(minimumConcepts)",
                               fix: "Label inputs with at least \(minimumConcepts) different concepts.")
        }
        let short = zip(dataset.concepts, counts).filter { $0.1 < minimumPositivesPerConcept }
        if let (concept, count) = short.first {
            let others = short.dropFirst()
            let more = others.isEmpty ? "" : "; so do "
                + others.prefix(5).map { "\(DatasetError.quoted($0.0)) (\($0.1))" }.joined(separator: ", ")
                + (others.count > 5 ? " and \(others.count - 5) more" : "")
            throw DatasetError(.tooFewInputs, file: file,
                               "concept \(DatasetError.quoted(concept)) has \(count) positive input\(count == 1 ? "" : "s"), "
                                   + "fewer than the \(minimumPositivesPerConcept) required\(more)",
                               fix: "Label at least \(minimumPositivesPerConcept) inputs with each concept, or remove the concepts that have fewer.")
        }
        return zip(dataset.concepts, counts).compactMap { concept, count in
            guard count < recommendedPositivesPerConcept else { return nil }
            return DatasetWarning(.fewInputsPerConcept, file: file, concept: concept,
                                  "concept \(DatasetError.quoted(concept)) has \(count) positive inputs; "
                                      + "Clarifai recommends at least \(recommendedPositivesPerConcept)",
                                  advice: "Its metrics will vary a lot from fold to fold; label more inputs with it.")
        }
    }

    static func checkFinite(_ dataset: Dataset, file: String) throws(DatasetError) {
        guard let index = NonFiniteScan.firstIndex(in: dataset.features) else { return }
        let row = index / dataset.featureCount
        throw DatasetError.nonFinite(file: file, line: nil,
                                     place: "row \(row) (id \(DatasetError.quoted(dataset.ids[row]))), feature \(index % dataset.featureCount)",
                                     value: dataset.features[index])
    }

    static func checkUniqueIds(_ dataset: Dataset, file: String) throws(DatasetError) {
        var firstRow: [String: Int] = [:]
        firstRow.reserveCapacity(dataset.rowCount)
        for (row, id) in dataset.ids.enumerated() {
            if let earlier = firstRow.updateValue(row, forKey: id) {
                throw DatasetError.duplicateId(file: file, line: nil, id: id,
                                               first: "row \(earlier) (rows counted from 0), and again on row \(row)")
            }
        }
    }

    private static func checkExclusiveRows(_ dataset: Dataset, file: String) throws(DatasetError) {
        for row in 0..<dataset.rowCount where dataset.exclusiveConcept(row: row) == nil {
            throw DatasetError(.missingLabel, file: file,
                               "row \(row) (id \(DatasetError.quoted(dataset.ids[row]))) does not have exactly one concept, "
                                   + "but the dataset has exclusive concepts",
                               fix: "Give every input exactly one concept, or mark the dataset multi-label.")
        }
    }
}
