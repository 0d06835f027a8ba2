import Foundation

/// The writing rules `JSONEncoder` follows, shared by `SortedJSONEncoder` (its `EncodedTree` and
/// `JSONValue` subtrees) and `JSONObjectWriter`.
enum JSONText {
    static func value(_ json: JSONValue, into out: inout [UInt8], pretty: Bool, indent: Int) throws {
        switch json {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            try checkFinite(number, codingPath: [])
            Self.number(number, into: &out)
        case .string(let text): string(text, into: &out)
        case .array(let items):
            try array(items.count, into: &out, pretty: pretty, indent: indent) { index, out, indent in
                try value(items[index], into: &out, pretty: pretty, indent: indent)
            }
        case .object(let fields):
            try object(sorted(fields), into: &out, pretty: pretty, indent: indent) { field, out, indent in
                try value(field, into: &out, pretty: pretty, indent: indent)
            }
        }
    }

    /// JSON has no NaN or infinity: `JSONEncoder`'s refusal for them. The coding path is built
    /// only for the refusal, not for every number.
    static func checkFinite<F: BinaryFloatingPoint>(_ number: F, codingPath: @autoclosure () -> [any CodingKey]) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, EncodingError.Context(
                codingPath: codingPath(), debugDescription: "Unable to encode \(F.self).\(number) directly in JSON."))
        }
    }

    /// The shortest text that reads back as `number`, without a trailing ".0" (`1`, `0.5`, `1e-05`).
    /// A whole number below 10^15 in magnitude is written as an integer directly: its description
    /// is those digits and ".0" (`-0` keeps its sign, as `-0.0` does).
    static func number(_ number: Double, into out: inout [UInt8]) {
        if number.magnitude < 1e15, number.rounded(.towardZero) == number, number != 0 || number.sign == .plus {
            integer(Int64(number), into: &out)
        } else {
            digits(number.description, into: &out)
        }
    }

    /// An integer's decimal digits (a 64-bit one is at most 20 bytes: a small string, no allocation).
    static func integer(_ number: some BinaryInteger, into out: inout [UInt8]) {
        out.append(contentsOf: String(number).utf8)
    }

    static func digits(_ description: String, into out: inout [UInt8]) {
        let text = description.utf8
        if text.count >= 2, text.last == UInt8(ascii: "0"), text[text.index(text.endIndex, offsetBy: -2)] == UInt8(ascii: ".") {
            out.append(contentsOf: text.dropLast(2))
        } else {
            out.append(contentsOf: text)
        }
    }

    /// An object's fields in the order `.sortedKeys` gives: by their keys' UTF-8 bytes. Sorted by
    /// each key's first eight bytes, read once, and only keys that share them compared whole: a
    /// result writes tens of thousands of objects, and comparing whole keys was 40% of that.
    static func sorted<Value>(_ fields: [String: Value]) -> [(key: String, value: Value)] {
        let pairs = Array(fields)
        guard pairs.count > 1 else { return pairs }
        var ranked = pairs.indices.map { (prefix: prefix(pairs[$0].key), index: $0) }
        ranked.sort { $0.prefix != $1.prefix ? $0.prefix < $1.prefix : precedes(pairs[$0.index].key, pairs[$1.index].key) }
        return ranked.map { pairs[$0.index] }
    }

    /// The first eight UTF-8 bytes of `key`, big-endian, zero-padded: ordered as the bytes are, with
    /// ties only between keys that share them.
    private static func prefix(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { bytes in
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(index < bytes.count ? bytes[index] : 0) }
            return value
        }
    }

    /// Whether `left`'s UTF-8 bytes sort before `right`'s.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var (left, right) = (left, right)
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
    }

    /// Quotes, backslashes and control characters escaped (`\n`, `\u0001`); everything else,
    /// slashes included, as it is. Runs without an escape are copied whole.
    static func string(_ text: String, into out: inout [UInt8]) {
        var text = text
        out.append(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                escape(byte, into: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: Array("\\u00".utf8))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }

    static func array(
        _ count: Int, into out: inout [UInt8], pretty: Bool, indent: Int,
        item: (Int, inout [UInt8], Int) throws -> Void
    ) throws {
        out.append(UInt8(ascii: "["))
        if pretty {
            out.append(0x0A)
            for index in 0..<count {
                if index > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x0A]) }
                spaces(indent + 2, into: &out)
                try item(index, &out, indent + 2)
            }
            out.append(0x0A)
            spaces(indent, into: &out)
        } else {
            for index in 0..<count {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try item(index, &out, indent)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    static func object<Value>(
        _ fields: [(key: String, value: Value)], into out: inout [UInt8], pretty: Bool, indent: Int,
        field: (Value, inout [UInt8], Int) throws -> Void
    ) throws {
        out.append(UInt8(ascii: "{"))
        if pretty {
            out.append(0x0A)
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x0A]) }
                spaces(indent + 2, into: &out)
                string(key, into: &out)
                out.append(contentsOf: Array(" : ".utf8))
                try field(value, &out, indent + 2)
            }
            out.append(0x0A)
            spaces(indent, into: &out)
        } else {
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try field(value, &out, indent)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    static func spaces(_ count: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }
}
