/// Reads a dataset CSV: a header line, then one input per line (README.md, Datasets).
///
/// Works on the bytes of the whole file in one pass; feature cells are parsed in place.
struct CSVReader {
    let file: String

    /// Reads the dataset into memory.
    func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Dataset {
        var features: [Float] = []
        return try read(bytes, into: &features).dataset(features: FeatureMatrix(features))
    }

    /// Reads the dataset, handing its feature values to `features` row by row.
    func read<Sink: FeatureSink>(_ bytes: UnsafeBufferPointer<UInt8>, into features: inout Sink) throws(DatasetError) -> DatasetParts {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw DatasetError.emptyFile(file) }
        var cursor = CSVCursor(base: base, count: bytes.count, file: file)
        let header = try CSVHeader(cursor: &cursor)
        let width = header.columnCount
        let roles = header.roles
        let names = header.names

        var concepts = ConceptTable()
        var ids: [String] = []
        var idLines: [String: Int] = [:]
        var groups: [String] = []
        var blankLine: Int?
        let firstRowStart = cursor.position

        while !cursor.atEnd {
            let blankAt = cursor.line
            if cursor.skipBlankLine() {
                if blankLine == nil { blankLine = blankAt }
                continue
            }
            if let blankLine {
                throw DatasetError(.raggedRow, file: file, line: blankLine,
                                   "expected \(header.featureCount) feature\(header.featureCount == 1 ? "" : "s"), found an empty line",
                                   fix: "Remove the empty line; only the end of the file may have empty lines.")
            }
            let line = cursor.line
            if concepts.rowCount == 1 {
                // One row in: estimate the rest from its length to avoid regrowing a large array.
                let rowBytes = max(cursor.position - firstRowStart, 1)
                features.reserveCapacity(header.featureCount * (bytes.count / rowBytes + 2) * 21 / 20)
            }
            var column = 0
            var foundFeatures = 0
            let rowStart = cursor.position
            do throws(DatasetError) {
                while true {
                    guard column < width else {
                        let extra = cursor.countRemainingCells()
                        throw DatasetError.raggedRow(
                            file: file, line: line, expected: header.featureCount, found: header.featureCount + extra,
                            detail: " (the header has \(width) columns, this line \(width + extra))",
                            fix: "Give every row one cell per header column; quote cells that contain commas.")
                    }
                    switch roles[column] {
                    case .feature:
                        try features.append(try cursor.number(column: column, names: names))
                        foundFeatures += 1
                    case .id:
                        let id = try cursor.textCell(what: "the id")
                        guard !id.isEmpty else {
                            throw DatasetError(.missingField, file: file, line: line, "the id cell is empty",
                                               fix: "Give every row an id, or drop the id column to number the rows.")
                        }
                        if let first = idLines.updateValue(line, forKey: id) {
                            throw DatasetError.duplicateId(file: file, line: line, id: id, first: "line \(first)")
                        }
                        ids.append(id)
                    case .group:
                        let group = try cursor.textCell(what: "the group")
                        guard !group.isEmpty else {
                            throw DatasetError(.missingField, file: file, line: line, "the group cell is empty",
                                               fix: "Give every row a group, or drop the group column.")
                        }
                        groups.append(group)
                    case .label:
                        let label = try cursor.textCell(what: "the label")
                        guard !label.isEmpty else {
                            throw DatasetError(
                                .missingLabel, file: file, line: line, "the label cell is empty",
                                fix: "Give every row one concept id; for rows with no concept, use a labels column "
                                    + "(concept ids separated by |), where an empty cell means negative for every concept.")
                        }
                        concepts.addPositive(concepts.intern(label))
                    case .labels:
                        let cell = try cursor.textCell(what: "the labels")
                        for part in cell.utf8.split(separator: UInt8(ascii: "|")) {
                            let name = String(decoding: part, as: UTF8.self).trimmingSpaces
                            if !name.isEmpty { concepts.addPositive(concepts.intern(name)) }
                        }
                    }
                    column += 1
                    if cursor.delimiter() != .comma { break }
                }
            } catch {
                throw raggedRowInstead(of: error, rowStart: rowStart, line: line, header: header, base: base, count: bytes.count)
            }
            guard column == width else {
                throw DatasetError.raggedRow(
                    file: file, line: line, expected: header.featureCount, found: foundFeatures,
                    detail: " (the header has \(width) columns, this line \(column))",
                    fix: "Give every row one cell per header column; quote cells that contain commas.")
            }
            concepts.endRow()
        }

        let rowCount = concepts.rowCount
        if !header.hasIds { ids = (0..<rowCount).map(String.init) }
        let (conceptIds, labels) = try concepts.matrix(file: file)
        return DatasetParts(featureCount: header.featureCount, concepts: conceptIds, labels: labels,
                            ids: ids, groups: header.hasGroups ? groups : nil, isMultiLabel: header.isMultiLabel)
    }

    /// A row that fails to parse because its cells are shifted (a missing or extra comma) is
    /// reported as ragged, which names the real problem; other failures stand.
    private func raggedRowInstead(
        of error: DatasetError, rowStart: Int, line: Int, header: CSVHeader, base: UnsafePointer<UInt8>, count: Int
    ) -> DatasetError {
        guard error.rule != .malformed else { return error }
        var probe = CSVCursor(base: base, count: count, file: file)
        probe.position = rowStart
        probe.line = line
        let cells = probe.countRemainingCells()
        guard cells != header.columnCount else { return error }
        return DatasetError.raggedRow(
            file: file, line: line, expected: header.featureCount,
            found: max(0, header.featureCount + cells - header.columnCount),
            detail: " (the header has \(header.columnCount) columns, this line \(cells))",
            fix: "Give every row one cell per header column; quote cells that contain commas.")
    }
}
