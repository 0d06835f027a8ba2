/// A labelled dataset held in memory: numeric features and a 0/1 concept matrix, one row per input.
///
/// Values of this type come out of the readers (`DatasetReader`) or the canonical binary form
/// (`CanonicalDataset`). A `Dataset` is not validated by construction: `DatasetValidator` checks
/// the rules README.md lists under Datasets and names the place of every failure.
public struct Dataset: Sendable, Equatable {
    /// Number of inputs (rows).
    public let rowCount: Int
    /// Number of numeric features per row.
    public let featureCount: Int
    /// `rowCount × featureCount` Float32 values, row-major: in memory, or in place in a mapped
    /// canonical file (`CanonicalDataset.open`).
    public let features: FeatureMatrix
    /// Concept ids in canonical order (sorted by their UTF-8 bytes); column `c` of `labels` is `concepts[c]`.
    public let concepts: [String]
    /// `rowCount × concepts.count`, row-major; 1 marks a positive, 0 a negative (explicit or implied).
    public let labels: [UInt8]
    /// One id per row; unique in a valid dataset.
    public let ids: [String]
    /// One group per row when the dataset has a group column, for group-aware splits.
    public let groups: [String]?
    /// False when every row has exactly one positive concept (exclusive concepts, `label` column);
    /// true for `labels` columns and multi-concept JSONL, where a row may have any number.
    public let isMultiLabel: Bool

    public init(
        featureCount: Int,
        features: FeatureMatrix,
        concepts: [String],
        labels: [UInt8],
        ids: [String],
        groups: [String]? = nil,
        isMultiLabel: Bool
    ) {
        precondition(featureCount > 0 ? features.count % featureCount == 0 : features.isEmpty,
                     "features must hold whole rows")
        let rows = ids.count
        precondition(features.count == rows * featureCount, "features must hold one row per id")
        precondition(labels.count == rows * concepts.count, "labels must hold one row per id")
        precondition(groups == nil || groups?.count == rows, "groups must hold one entry per id")
        self.rowCount = rows
        self.featureCount = featureCount
        self.features = features
        self.concepts = concepts
        self.labels = labels
        self.ids = ids
        self.groups = groups
        self.isMultiLabel = isMultiLabel
    }

    /// A dataset whose features are held in memory.
    public init(
        featureCount: Int,
        features: [Float],
        concepts: [String],
        labels: [UInt8],
        ids: [String],
        groups: [String]? = nil,
        isMultiLabel: Bool
    ) {
        self.init(featureCount: featureCount, features: FeatureMatrix(features), concepts: concepts, labels: labels,
                  ids: ids, groups: groups, isMultiLabel: isMultiLabel)
    }

    /// Number of concepts (columns of `labels`).
    public var conceptCount: Int { concepts.count }

    /// Whether row `row` is a positive of concept `concept`.
    @inlinable
    public func isPositive(row: Int, concept: Int) -> Bool {
        labels[row * concepts.count + concept] != 0
    }

    /// Positive inputs per concept, in concept order.
    public var positiveCounts: [Int] {
        var counts = [Int](repeating: 0, count: concepts.count)
        let c = concepts.count
        labels.withUnsafeBufferPointer { buffer in
            for row in 0..<rowCount {
                for k in 0..<c where buffer[row * c + k] != 0 { counts[k] += 1 }
            }
        }
        return counts
    }

    /// For exclusive datasets: the index of the one positive concept of `row`, or nil when the row
    /// has none or several.
    public func exclusiveConcept(row: Int) -> Int? {
        var found: Int?
        for k in 0..<concepts.count where isPositive(row: row, concept: k) {
            if found != nil { return nil }
            found = k
        }
        return found
    }
}
