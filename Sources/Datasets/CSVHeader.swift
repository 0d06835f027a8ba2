/// The header line of a dataset CSV: which column holds the label(s), the ids, the groups, and
/// which are features.
struct CSVHeader {
    enum Role: Equatable {
        case feature
        case id
        case group
        /// One concept per row (exclusive concepts).
        case label
        /// `|`-separated concepts (multi-label).
        case labels
    }

    let names: [String]
    let roles: [Role]
    let featureCount: Int
    let hasIds: Bool
    let hasGroups: Bool
    let isMultiLabel: Bool

    var columnCount: Int { names.count }

    /// Reads the header line at the cursor (line 1) and leaves the cursor on line 2.
    init(cursor: inout CSVCursor) throws(DatasetError) {
        let file = cursor.file
        guard !cursor.atEnd else { throw DatasetError.emptyFile(file) }
        var names: [String] = []
        repeat {
            let column = names.count + 1
            names.append(try cursor.textCell(what: "the name of column \(column)"))
        } while cursor.delimiter() == .comma

        var roles: [Role] = []
        var seen: [Role: String] = [:]
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else {
                throw DatasetError(
                    .malformed, file: file, line: 1, "column \(index + 1) has no name",
                    fix: "Name every column. pandas writes its index as an unnamed first column: "
                        + "save with to_csv(index=False), or name it id if it holds row ids.")
            }
            let role = CSVHeader.role(of: name)
            if role != .feature {
                if let earlier = seen[role] {
                    throw DatasetError(.malformed, file: file, line: 1,
                                       "columns \(DatasetError.quoted(earlier)) and \(DatasetError.quoted(name)) are both \(CSVHeader.title(role)) columns",
                                       fix: "Keep one \(CSVHeader.title(role)) column.")
                }
                seen[role] = name
            }
            roles.append(role)
        }
        if let label = seen[.label], let labels = seen[.labels] {
            throw DatasetError(.malformed, file: file, line: 1,
                               "the header has both a \(DatasetError.quoted(label)) and a \(DatasetError.quoted(labels)) column",
                               fix: "Keep label (one concept per row) or labels (several concepts per row, separated by |), not both.")
        }
        guard seen[.label] != nil || seen[.labels] != nil else {
            throw DatasetError(.missingField, file: file, line: 1, "the header has no label or labels column",
                               fix: "Add a label column (one concept id per row) or a labels column (concept ids separated by |).")
        }
        let featureCount = roles.count(where: { $0 == .feature })
        guard featureCount > 0 else {
            throw DatasetError(.missingField, file: file, line: 1, "the header has no feature columns",
                               fix: "Add one numeric column per feature; every column other than id, group, label and labels is a feature.")
        }
        self.names = names
        self.roles = roles
        self.featureCount = featureCount
        self.hasIds = seen[.id] != nil
        self.hasGroups = seen[.group] != nil
        self.isMultiLabel = seen[.labels] != nil
    }

    /// Reserved names are matched without regard to case ("Label" is the label column).
    private static func role(of name: String) -> Role {
        switch name.lowercased() {
        case "id": .id
        case "group": .group
        case "label": .label
        case "labels": .labels
        default: .feature
        }
    }

    private static func title(_ role: Role) -> String {
        switch role {
        case .feature: "feature"
        case .id: "id"
        case .group: "group"
        case .label, .labels: "label"
        }
    }
}
