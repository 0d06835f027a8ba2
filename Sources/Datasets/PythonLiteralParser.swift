/// Parses the small subset of Python literals numpy writes in an `.npy` header: a dict of string
/// keys to strings, booleans, integers and tuples of integers. Anything else (a list, as in a
/// structured dtype) parses as `.other` so the caller can say what it does not support.
struct PythonLiteralParser {
    indirect enum Value: Equatable {
        case dict([String: Value])
        case string(String)
        case bool(Bool)
        case integer(Int)
        case tuple([Int])
        case other
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// After the dict, numpy pads with spaces and ends with a newline.
    var isAtEndOfHeader: Bool {
        bytes[position...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0 }
    }

    mutating func value() -> Value? {
        skipSpaces()
        guard position < bytes.count, depth < 16 else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"): return dict()
        case UInt8(ascii: "("): return tuple()
        case UInt8(ascii: "["): return list()
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "T"): return word("True", .bool(true))
        case UInt8(ascii: "F"): return word("False", .bool(false))
        default: return integer().map(Value.integer)
        }
    }

    private mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x09 {
            position += 1
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpaces()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func word(_ text: String, _ value: Value) -> Value? {
        let utf8 = Array(text.utf8)
        guard bytes.count - position >= utf8.count, Array(bytes[position..<position + utf8.count]) == utf8 else { return nil }
        position += utf8.count
        return value
    }

    private mutating func string() -> String? {
        let quote = bytes[position]
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote {
            // numpy's dtype strings never need escapes; refuse rather than misread one.
            if bytes[position] == UInt8(ascii: "\\") { return nil }
            position += 1
        }
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return String(validating: bytes[start..<position], as: UTF8.self)
    }

    private mutating func integer() -> Int? {
        skipSpaces()
        var value = 0
        var digits = 0
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            let digit = Int(bytes[position] &- UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { return nil }
        // Python 2 wrote long integers with an L suffix.
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }
        return value
    }

    private mutating func dict() -> Value? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        var entries: [String: Value] = [:]
        while true {
            if consume(UInt8(ascii: "}")) { return .dict(entries) }
            skipSpaces()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\""),
                  let key = string(), consume(UInt8(ascii: ":")), let value = value() else { return nil }
            entries[key] = value
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}")) ? .dict(entries) : nil
        }
    }

    /// A tuple of integers (a shape); a tuple of anything else is `.other`.
    private mutating func tuple() -> Value? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        var items: [Int] = []
        var onlyIntegers = true
        while true {
            if consume(UInt8(ascii: ")")) { return onlyIntegers ? .tuple(items) : .other }
            guard let item = value() else { return nil }
            if case .integer(let number) = item { items.append(number) } else { onlyIntegers = false }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: ")")) ? (onlyIntegers ? .tuple(items) : .other) : nil
        }
    }

    private mutating func list() -> Value? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        while true {
            if consume(UInt8(ascii: "]")) { return .other }
            guard value() != nil else { return nil }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]")) ? .other : nil
        }
    }
}
