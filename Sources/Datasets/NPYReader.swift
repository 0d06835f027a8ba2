/// Reads a NumPy `.npy` matrix (float32 or float64, C order, 2-D) with its side files:
/// `<stem>.labels.txt` (or the labels file given) with one line of `|`-separated concept ids per
/// row, and optionally `<stem>.ids.txt` and `<stem>.groups.txt`, one value per line.
///
/// The side files are read first, so the dataset's sizes are known before the matrix is streamed
/// (`open`, then `readMatrix`); float64 is rounded to the nearest Float32, as
/// `astype(numpy.float32)` does.
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

    /// Reads the dataset into memory.
    func read() throws(DatasetError) -> Dataset {
        let opened = try open()
        var features: [Float] = []
        features.reserveCapacity(opened.header.rows * opened.header.columns)
        try readMatrix(opened, into: &features)
        return opened.parts.dataset(features: FeatureMatrix(features))
    }

    /// The matrix's header and the side files, read and checked: everything but the matrix, whose
    /// size is then known, so its values can be streamed after a header that describes them.
    struct Opened {
        let header: NPYHeader
        let parts: DatasetParts
    }

    func open() throws(DatasetError) -> Opened {
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
        let parts = DatasetParts(featureCount: header.columns, concepts: conceptIds, labels: labels, ids: ids, groups: groups,
                                 isMultiLabel: concepts.hasRowWithoutExactlyOnePositive && rows > 0)
        return Opened(header: header, parts: parts)
    }

    /// Streams the matrix of an opened file to `features` in slices, as Float32 (float64 rounded to
    /// the nearest, as `astype(numpy.float32)`), refusing NaN and infinity with their row and column.
    func readMatrix<Sink: FeatureSink>(_ opened: Opened, into features: inout Sink) throws(DatasetError) {
        let header = opened.header
        let file = try OpenFile(path: path)
        guard file.size == header.dataOffset + (header.dataLength ?? -1) else {
            throw DatasetError(.unreadable, file: path, "the file changed while it was read",
                               fix: "Leave the file unchanged while crossfold reads it, and try again.")
        }
        let count = header.rows * header.columns
        let slice = 1 << 18
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: slice)
        defer { values.deallocate() }
        let doubles = header.elementType == .float64 ? UnsafeMutableBufferPointer<UInt64>.allocate(capacity: slice) : nil
        defer { doubles?.deallocate() }
        var done = 0
        while done < count {
            let n = min(slice, count - done)
            if let doubles {
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(doubles)[0..<n * 8]),
                              at: header.dataOffset + done * 8)
                for i in 0..<n { values[i] = Float(Double(bitPattern: UInt64(littleEndian: doubles[i]))) }
            } else {
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(values)[0..<n * 4]),
                              at: header.dataOffset + done * 4)
                #if _endian(big)
                for i in 0..<n { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
                #endif
            }
            let filled = UnsafeBufferPointer(rebasing: values[0..<n])
            if let bad = NonFiniteScan.firstIndex(in: filled) {
                let index = done + bad
                throw DatasetError.nonFinite(file: path, line: nil,
                                             place: "row \(index / header.columns), column \(index % header.columns) (counted from 0)",
                                             value: filled[bad])
            }
            try features.append(contentsOf: filled)
            done += n
        }
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
