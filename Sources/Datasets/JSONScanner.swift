import JSON

/// Reads JSON values from the bytes of one JSONL line, without building a tree: the JSONL reader
/// asks for the members it wants and skips the rest. Errors carry the file, line and column.
struct JSONScanner {
    let file: String
    let line: Int
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private(set) var position = 0

    /// Nesting allowed in skipped values; deeper input is rejected rather than risking the stack.
    private static let maximumDepth = 64

    init(base: UnsafePointer<UInt8>, count: Int, file: String, line: Int) {
        self.base = base
        self.end = count
        self.file = file
        self.line = line
    }

    func syntaxError(_ message: String, at offset: Int? = nil) -> DatasetError {
        DatasetError(.malformed, file: file, line: line,
                     "invalid JSON at column \((offset ?? position) + 1): \(message)",
                     fix: "Write one JSON object per line (JSON Lines); check the quotes, commas and brackets there.")
    }

    mutating func skipWhitespace() {
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            position += 1
        }
    }

    /// The next significant byte, without consuming it.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < end ? base[position] : nil
    }

    mutating func expect(_ byte: UInt8) throws(DatasetError) {
        guard peek() == byte else {
            throw syntaxError("expected '\(Character(Unicode.Scalar(byte)))'\(foundDescription)")
        }
        position += 1
    }

    private var foundDescription: String {
        position < end ? ", found '\(Character(Unicode.Scalar(base[position])))'" : ", found the end of the line"
    }

    // MARK: Objects and arrays

    mutating func beginObject() throws(DatasetError) { try expect(UInt8(ascii: "{")) }

    /// The next member's key, with the scanner left on its value; nil after the closing brace.
    mutating func nextKey(_ first: inout Bool) throws(DatasetError) -> String? {
        if peek() == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        guard peek() == UInt8(ascii: "\"") else { throw syntaxError("expected a member name in quotes\(foundDescription)") }
        let key = try string()
        try expect(UInt8(ascii: ":"))
        return key
    }

    mutating func beginArray() throws(DatasetError) { try expect(UInt8(ascii: "[")) }

    /// Whether another element follows (the scanner is then on it); false after the closing bracket.
    mutating func nextElement(_ first: inout Bool) throws(DatasetError) -> Bool {
        if peek() == UInt8(ascii: "]") {
            position += 1
            return false
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        return true
    }

    // MARK: Scalars

    /// Whether the next value is `null` (consumed if so).
    mutating func skipNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), end - position >= 4,
              base[position + 1] == UInt8(ascii: "u"), base[position + 2] == UInt8(ascii: "l"),
              base[position + 3] == UInt8(ascii: "l") else { return false }
        position += 4
        return true
    }

    /// A string value, unescaped and checked to be valid UTF-8.
    mutating func string() throws(DatasetError) -> String {
        let start = position
        try expect(UInt8(ascii: "\""))
        var bytes: [UInt8] = []
        var runStart = position
        while true {
            guard position < end else { throw syntaxError("a string starts here and is never closed", at: start) }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw syntaxError("a control character inside a string must be escaped") }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: position - runStart))
            position += 1
            try unescape(into: &bytes)
            runStart = position
        }
        bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: position - runStart))
        position += 1
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError.invalidUTF8(file: file, line: line, what: "the string at column \(start + 1)")
        }
        return text
    }

    private mutating func unescape(into bytes: inout [UInt8]) throws(DatasetError) {
        switch JSONEscape.unescape(base, end: end, position: &position, into: &bytes) {
        case nil: return
        case .truncated: throw syntaxError("the line ends inside an escape")
        case .badHex: throw syntaxError("a \\u escape needs four hex digits")
        case .unpairedSurrogate: throw syntaxError("an unpaired surrogate in a \\u escape")
        case .unknown(let byte): throw syntaxError("an unknown escape \\\(Character(Unicode.Scalar(byte)))", at: position - 2)
        }
    }

    /// A number value as the nearest Float. NaN and Infinity (which Python's json writes, though
    /// JSON has no such values) are returned as such so the caller can name the rule they break.
    /// Returns nil, consuming nothing, when the value there is not a number.
    mutating func number() throws(DatasetError) -> Float? {
        guard let first = peek() else { throw syntaxError("expected a value\(foundDescription)") }
        let rest = end - position
        if let (value, length) = DecimalFloatParser.parse(base + position, base + end),
           first != UInt8(ascii: "+"), first != UInt8(ascii: ".") {
            position += length
            return value
        }
        for (word, value) in [("NaN", Float.nan), ("Infinity", Float.infinity), ("-Infinity", -Float.infinity)]
        where rest >= word.utf8.count && word.utf8.elementsEqual(UnsafeBufferPointer(start: base + position, count: word.utf8.count)) {
            position += word.utf8.count
            return value
        }
        return nil
    }

    /// Skips one value of any kind.
    mutating func skipValue(depth: Int = 0) throws(DatasetError) {
        guard depth < JSONScanner.maximumDepth else { throw syntaxError("values are nested too deeply") }
        guard let byte = peek() else { throw syntaxError("expected a value\(foundDescription)") }
        switch byte {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(&first) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(&first) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            _ = try string()
        default:
            if try number() != nil { return }
            for word in ["true", "false", "null"]
            where end - position >= word.utf8.count
                && word.utf8.elementsEqual(UnsafeBufferPointer(start: base + position, count: word.utf8.count)) {
                position += word.utf8.count
                return
            }
            throw syntaxError("expected a value\(foundDescription)")
        }
    }
}
