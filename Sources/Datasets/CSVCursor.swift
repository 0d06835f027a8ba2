/// A position in CSV bytes (RFC 4180: `,` between cells, `"` quotes a cell, `""` is a quote inside
/// one, quoted cells may span lines; `\n`, `\r\n` or `\r` end a record). It tracks the 1-based line
/// so every error can name it.
struct CSVCursor {
    enum Delimiter { case comma, endOfLine, endOfFile }

    let base: UnsafePointer<UInt8>
    let end: Int
    let file: String
    var position: Int
    var line = 1

    /// A cursor at the start of `count` bytes at `base` (the caller rules out an empty file).
    init(base: UnsafePointer<UInt8>, count: Int, file: String) {
        self.base = base
        self.end = count
        self.file = file
        // Spreadsheet programs start UTF-8 files with a byte order mark.
        let bom = count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF
        self.position = bom ? 3 : 0
    }

    var atEnd: Bool { position >= end }

    @inline(__always)
    static func isCellEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Consumes the delimiter after a cell. Anything else there is a syntax error (text after a
    /// closing quote), reported by the cell readers before they return.
    @inline(__always)
    mutating func delimiter() -> Delimiter {
        guard position < end else { return .endOfFile }
        let byte = base[position]
        position += 1
        if byte == UInt8(ascii: ",") { return .comma }
        if byte == UInt8(ascii: "\r"), position < end, base[position] == UInt8(ascii: "\n") { position += 1 }
        line += 1
        return .endOfLine
    }

    /// Skips a line holding nothing but spaces, returning whether it did.
    mutating func skipBlankLine() -> Bool {
        var i = position
        while i < end, CSVCursor.isSpace(base[i]) { i += 1 }
        if i == end {
            position = i
            return true
        }
        guard base[i] == UInt8(ascii: "\n") || base[i] == UInt8(ascii: "\r") else { return false }
        position = i
        _ = delimiter()
        return true
    }

    /// The raw cell at the cursor, unquoted and with surrounding spaces trimmed; leaves the cursor
    /// on the delimiter. Calls `body` with the cell's bytes (valid only during the call).
    mutating func cell<T>(_ body: (UnsafeBufferPointer<UInt8>) throws(DatasetError) -> T) throws(DatasetError) -> T {
        var i = position
        while i < end, CSVCursor.isSpace(base[i]) { i += 1 }
        if i < end, base[i] == UInt8(ascii: "\"") {
            return try quotedCell(from: i, body)
        }
        let start = i
        while i < end, !CSVCursor.isCellEnd(base[i]) { i += 1 }
        position = i
        var stop = i
        while stop > start, CSVCursor.isSpace(base[stop - 1]) { stop -= 1 }
        return try body(UnsafeBufferPointer(start: base + start, count: stop - start))
    }

    /// The cell's text as a String, which must be valid UTF-8.
    mutating func textCell(what: @autoclosure () -> String) throws(DatasetError) -> String {
        let line = self.line
        let file = self.file
        return try cell { (bytes) throws(DatasetError) -> String in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw DatasetError.invalidUTF8(file: file, line: line, what: what())
            }
            return text
        }
    }

    /// Counts the cells left on the current line, consuming them (for the ragged-row message).
    mutating func countRemainingCells() -> Int {
        var cells = 1
        while true {
            do {
                try cell { (_: UnsafeBufferPointer<UInt8>) throws(DatasetError) in }
            } catch {
                return cells
            }
            guard delimiter() == .comma else { return cells }
            cells += 1
        }
    }

    private mutating func quotedCell<T>(
        from opening: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(DatasetError) -> T
    ) throws(DatasetError) -> T {
        let startLine = line
        var text: [UInt8] = []
        var i = opening + 1
        while true {
            guard i < end else {
                throw DatasetError(.malformed, file: file, line: startLine,
                                   "a quoted cell starts here and is never closed",
                                   fix: "Close the quote; a quote inside a quoted cell is written twice (\"\").")
            }
            let byte = base[i]
            i += 1
            if byte == UInt8(ascii: "\"") {
                if i < end, base[i] == UInt8(ascii: "\"") {
                    text.append(byte)
                    i += 1
                    continue
                }
                break
            }
            if byte == UInt8(ascii: "\n") { line += 1 }
            text.append(byte)
        }
        while i < end, CSVCursor.isSpace(base[i]) { i += 1 }
        guard i == end || CSVCursor.isCellEnd(base[i]) else {
            throw DatasetError(.malformed, file: file, line: line,
                               "text follows the closing quote of a quoted cell",
                               fix: "Quote the whole cell and write a quote inside it twice (\"\").")
        }
        position = i
        return try text.withUnsafeBufferPointer { (bytes) throws(DatasetError) -> T in try body(bytes) }
    }
}
