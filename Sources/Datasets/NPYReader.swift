/// Reads a NumPy `.npy` matrix (float32 or float64, C order, 2-D) with its side files:
/// `<stem>.labels.txt` (or the labels file given) with one line of `|`-separated concept ids per
/// row, and optionally `<stem>.ids.txt` and `<stem>.groups.txt`, one value per line.
///
/// A float32 matrix is read straight into the dataset's storage; float64 is rounded to the
/// nearest Float32, as `astype(numpy.float32)` does.
struct NPYReader {
    let path: String
    let labelsPath: String
    let idsPath: String
    let groupsPath: String

    init(path: String, labelsPath: String?) {
        let stem = path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path
        self.path = path
        self.labelsPath = labelsPath ?? stem + ".labels.txt"
        self.idsPath = stem + ".ids.txt"
        self.groupsPath = stem + ".groups.txt"
    }

    func read() throws(DatasetError) -> Dataset {
        let file = try OpenFile(path: path)
        let preamble = try file.readBytes(at: 0, count: min(file.size, NPYHeader.preambleLength))
        let textRange = try NPYHeader.textRange(preamble: preamble, file: path)
        guard textRange.upperBound <= file.size else { throw NPYHeader.truncated(path) }
        let text = try file.readBytes(at: textRange.lowerBound, count: textRange.count)
        let header = try NPYHeader(text: text, offset: textRange.lowerBound, file: path)

        let available = file.size - header.dataOffset
        let length = header.dataLength ?? Int.max
        guard length == available else {
            let promised = "a \(header.rows) × \(header.columns) \(header.elementType.name) matrix"
            let message = length > available
                ? "the header promises \(promised) but the file holds only \(available) bytes of it"
                : "the file has \(available - length) bytes after \(promised)"
            throw DatasetError(.malformed, file: path, message, fix: "The file is truncated or damaged; save or copy it again.")
        }
        let features = try readMatrix(file, header)
        try rejectNonFinite(features, columns: header.columns)

        let rows = header.rows
        let matrixName = path.split(separator: "/").last.map(String.init) ?? path
        guard let labelLines = try TextLines.readIfPresent(labelsPath) else {
            throw DatasetError(.unreadable, file: labelsPath, "the labels file of \(matrixName) does not exist",
                               fix: "Write the labels beside the matrix, one line of |-separated concept ids per row, "
                                   + "or name the labels file.")
        }
        try labelLines.requireLines(rows, matrix: matrixName, what: "its concept ids separated by |, or nothing for no concept")
        var concepts = ConceptTable(expectedRows: rows)
        for line in labelLines.lines {
            for part in line.utf8.split(separator: UInt8(ascii: "|")) {
                let name = String(decoding: part, as: UTF8.self).trimmingSpaces
                if !name.isEmpty { concepts.addPositive(concepts.intern(name)) }
            }
            concepts.endRow()
        }

        var ids = (0..<rows).map(String.init)
        if let idLines = try TextLines.readIfPresent(idsPath) {
            try idLines.requireLines(rows, matrix: matrixName, what: "the row's id")
            ids = try uniqueValues(idLines, what: "id")
        }
        var groups: [String]?
        if let groupLines = try TextLines.readIfPresent(groupsPath) {
            try groupLines.requireLines(rows, matrix: matrixName, what: "the row's group")
            groups = try nonEmptyValues(groupLines, what: "group")
        }
        let (conceptIds, labels) = try concepts.matrix(file: labelsPath)
        return Dataset(featureCount: header.columns, features: features, concepts: conceptIds, labels: labels,
                       ids: ids, groups: groups, isMultiLabel: concepts.hasRowWithoutExactlyOnePositive && rows > 0)
    }

    private func readMatrix(_ file: borrowing OpenFile, _ header: NPYHeader) throws(DatasetError) -> [Float] {
        let count = header.rows * header.columns
        var failure: DatasetError?
        let features = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(DatasetError) {
                switch header.elementType {
                case .float32:
                    try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: header.dataOffset)
                    #if _endian(big)
                    for i in 0..<count { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
                    #endif
                case .float64:
                    // Convert in slices so a large matrix never needs a second full-size copy.
                    let slice = 1 << 16
                    let chunk = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: slice)
                    defer { chunk.deallocate() }
                    var done = 0
                    while done < count {
                        let n = min(slice, count - done)
                        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(chunk)[0..<n * 8]),
                                      at: header.dataOffset + done * 8)
                        for i in 0..<n { buffer[done + i] = Float(Double(bitPattern: UInt64(littleEndian: chunk[i]))) }
                        done += n
                    }
                }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return features
    }

    private func rejectNonFinite(_ features: [Float], columns: Int) throws(DatasetError) {
        guard let index = NonFiniteScan.firstIndex(in: features) else { return }
        throw DatasetError.nonFinite(file: path, line: nil,
                                     place: "row \(index / columns), column \(index % columns) (counted from 0)",
                                     value: features[index])
    }

    private func uniqueValues(_ lines: TextLines, what: String) throws(DatasetError) -> [String] {
        let values = try nonEmptyValues(lines, what: what)
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            if let earlier = firstLine.updateValue(index + 1, forKey: value) {
                throw DatasetError.duplicateId(file: lines.path, line: index + 1, id: value, first: "line \(earlier)")
            }
        }
        return values
    }

    private func nonEmptyValues(_ lines: TextLines, what: String) throws(DatasetError) -> [String] {
        var values: [String] = []
        values.reserveCapacity(lines.lines.count)
        for (index, line) in lines.lines.enumerated() {
            let value = line.trimmingSpaces
            guard !value.isEmpty else {
                throw DatasetError(.missingField, file: lines.path, line: index + 1, "the \(what) is empty",
                                   fix: "Write one \(what) per line, for every matrix row.")
            }
            values.append(value)
        }
        return values
    }
}
