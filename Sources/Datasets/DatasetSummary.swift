/// What `crossfold dataset inspect` shows about a dataset: its size, kind of labels, concepts with
/// their positive counts, groups, content hash and warnings. A plain value; `text` renders it for
/// a terminal and the command line prints it.
public struct DatasetSummary: Sendable, Equatable, Codable {
    /// A concept and how many inputs are positive for it.
    public struct ConceptCount: Sendable, Equatable, Codable {
        public let concept: String
        public let positives: Int

        public init(concept: String, positives: Int) {
            self.concept = concept
            self.positives = positives
        }
    }

    /// The file the dataset was read from, as the user named it.
    public let file: String
    /// Number of inputs.
    public let rowCount: Int
    /// Number of numeric features per input.
    public let featureCount: Int
    /// Whether an input may have any number of concepts (otherwise exactly one).
    public let isMultiLabel: Bool
    /// Every concept in canonical order (sorted by UTF-8 bytes), with its positive count.
    public let concepts: [ConceptCount]
    /// Inputs that are negative for every concept (only possible when multi-label).
    public let rowsWithoutConcepts: Int
    /// Number of distinct groups, or nil when the dataset has no groups.
    public let groupCount: Int?
    /// SHA-256 of the canonical form, lowercase hex.
    public let sha256: String
    /// What `DatasetValidator.validate` warned about.
    public let warnings: [DatasetWarning]

    /// Summarises `dataset`, hashing its canonical form unless `sha256` is given.
    public init(dataset: Dataset, file: String, sha256: String? = nil, warnings: [DatasetWarning] = []) {
        self.file = file
        self.rowCount = dataset.rowCount
        self.featureCount = dataset.featureCount
        self.isMultiLabel = dataset.isMultiLabel
        self.concepts = zip(dataset.concepts, dataset.positiveCounts).map { ConceptCount(concept: $0, positives: $1) }
        var withoutConcepts = 0
        for row in 0..<dataset.rowCount where !(0..<dataset.conceptCount).contains(where: { dataset.isPositive(row: row, concept: $0) }) {
            withoutConcepts += 1
        }
        self.rowsWithoutConcepts = withoutConcepts
        self.groupCount = dataset.groups.map { Set($0).count }
        self.sha256 = sha256 ?? CanonicalDataset.sha256(of: dataset)
        self.warnings = warnings
    }

    /// The summary as aligned lines for a terminal, ending with a newline.
    public var text: String {
        var lines: [String] = []
        func field(_ name: String, _ value: String) { lines.append(name.padding(to: 10) + value) }
        field("file", file)
        field("rows", String(rowCount))
        field("features", String(featureCount))
        let kind = isMultiLabel
            ? "multi-label (any number of concepts per input)"
            : "exclusive (one concept per input)"
        field("concepts", "\(concepts.count), \(kind)")
        if isMultiLabel { field("unlabeled", "\(rowsWithoutConcepts) inputs negative for every concept") }
        if let groupCount { field("groups", String(groupCount)) }
        field("sha256", sha256)
        lines.append("")

        let nameWidth = max("concept".count, concepts.map(\.concept.count).max() ?? 0)
        let countWidth = max("positives".count, concepts.map { String($0.positives).count }.max() ?? 0)
        lines.append("concept".padding(to: nameWidth) + "  " + "positives".leftPadding(to: countWidth))
        for item in concepts {
            lines.append(item.concept.padding(to: nameWidth) + "  " + String(item.positives).leftPadding(to: countWidth))
        }
        if !warnings.isEmpty {
            lines.append("")
            for warning in warnings { lines.append("warning: \(warning.message). \(warning.advice)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The text followed by spaces up to `width` characters.
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The text preceded by spaces up to `width` characters.
    fileprivate func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
