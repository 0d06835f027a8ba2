extension CSVCursor {
    /// The feature cell at the cursor as a finite Float, leaving the cursor on the delimiter.
    ///
    /// The common unquoted cell is parsed in place; quoted cells, padded cells and strtof-only
    /// spellings (`inf`, `0x1p3`) take the slower path through `cell`.
    @inline(__always)
    mutating func number(column: Int, names: [String]) throws(DatasetError) -> Float {
        if position < end,
           let (value, length) = DecimalFloatParser.parse(base + position, base + end) {
            let after = position + length
            if after == end || CSVCursor.isCellEnd(base[after]) {
                guard value.isFinite else {
                    throw DatasetError.nonFinite(file: file, line: line, place: "column \(DatasetError.quoted(names[column]))",
                                                 value: value)
                }
                position = after
                return value
            }
        }
        return try slowNumber(column: column, names: names)
    }

    private mutating func slowNumber(column: Int, names: [String]) throws(DatasetError) -> Float {
        let file = self.file
        let line = self.line
        return try cell { (bytes) throws(DatasetError) -> Float in
            var parsed: Float?
            if let base = bytes.baseAddress, let (value, length) = DecimalFloatParser.parse(base, base + bytes.count),
               length == bytes.count {
                parsed = value
            } else {
                parsed = DecimalFloatParser.parseSpecial(bytes)
            }
            guard let value = parsed else {
                throw DatasetError.notANumber(file: file, line: line, column: names[column],
                                              text: String(decoding: bytes, as: UTF8.self))
            }
            guard value.isFinite else {
                throw DatasetError.nonFinite(file: file, line: line, place: "column \(DatasetError.quoted(names[column]))",
                                             value: value)
            }
            return value
        }
    }
}
