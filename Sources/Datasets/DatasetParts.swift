/// What a reader finds in a dataset file besides the feature values, which it hands to a
/// `FeatureSink` as it goes: the sizes, the concept matrix, the ids and the groups.
struct DatasetParts {
    let featureCount: Int
    /// Concept ids in canonical order.
    let concepts: [String]
    /// `rowCount × concepts.count`, row-major.
    let labels: [UInt8]
    let ids: [String]
    let groups: [String]?
    let isMultiLabel: Bool

    var rowCount: Int { ids.count }

    /// The dataset with these parts and `features`.
    func dataset(features: FeatureMatrix) -> Dataset {
        Dataset(featureCount: featureCount, features: features, concepts: concepts, labels: labels, ids: ids,
                groups: groups, isMultiLabel: isMultiLabel)
    }

    /// Writes what follows the features to `writer` and completes the file.
    func finish(_ writer: CanonicalFileWriter) throws(DatasetError) -> (sha256: String, size: Int) {
        try writer.finish(featureCount: featureCount, concepts: concepts, labels: labels, ids: ids, groups: groups,
                          isMultiLabel: isMultiLabel)
    }
}
