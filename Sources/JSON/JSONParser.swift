import Foundation

/// A recursive-descent JSON reader over UTF-8 bytes, building a `Node` tree.
struct JSONParser<Node: JSONTree> {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Object keys from the root to an array that is checked but read as empty (`skipValue`);
    /// none when empty.
    let emptying: [String]

    static var maximumDepth: Int { 512 }

    init(bytes: UnsafeBufferPointer<UInt8>, emptying: [String] = []) {
        self.bytes = bytes
        self.emptying = emptying
    }

    func error(_ message: String) -> DecodingError {
        .dataCorrupted(DecodingError.Context(
            codingPath: [], debugDescription: "The given data was not valid JSON: \(message) at byte \(position)."))
    }

    /// The whole text as one value, optionally after a byte-order mark and surrounded by whitespace.
    mutating func document() throws -> Node {
        skipByteOrderMark()
        let value = try value(depth: 0, onPath: emptying.isEmpty ? nil : 0)
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    mutating func skipByteOrderMark() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// `onPath`: how many keys of `emptying` lead here, or nil off that path.
    mutating func value(depth: Int, onPath: Int? = nil) throws -> Node {
        skipWhitespace()
        guard position < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1, onPath: onPath)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character '\(Self.describe(bytes[position]))'")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: Node) throws -> Node {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0 else {
            throw error("unexpected character '\(Self.describe(bytes[position]))'")
        }
        position += count
        return value
    }

    private mutating func object(depth: Int, onPath: Int?) throws -> Node {
        guard depth <= Self.maximumDepth else { throw error("values nested more than \(Self.maximumDepth) deep") }
        position += 1
        var fields: [String: Node] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a key in quotes")
            }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            position += 1
            let item: Node
            if let onPath, onPath < emptying.count, key == emptying[onPath] {
                item = try emptiedValue(depth: depth, onPath: onPath + 1)
            } else {
                item = try value(depth: depth)
            }
            if fields[key] == nil { fields[key] = item }
            skipWhitespace()
            guard position < bytes.count else { throw error("the text ends inside an object") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(fields)
                }
            case UInt8(ascii: "}"):
                position += 1
                return .object(fields)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws -> Node {
        guard depth <= Self.maximumDepth else { throw error("values nested more than \(Self.maximumDepth) deep") }
        position += 1
        var items: [Node] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("the text ends inside an array") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// The value of a key on the `emptying` path: read on along the path, or at its end an array
    /// checked and read as empty (any other value there is read as it is).
    private mutating func emptiedValue(depth: Int, onPath: Int) throws -> Node {
        guard onPath == emptying.count else { return try value(depth: depth, onPath: onPath) }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return try value(depth: depth) }
        try skipValue(depth: depth)
        return .array([])
    }

    /// Moves past one value, checking JSON's grammar (and nesting depth) as `value` does without
    /// building anything; its strings' bytes are not checked to be UTF-8, nor its numbers to fit a
    /// Double.
    private mutating func skipValue(depth: Int) throws {
        skipWhitespace()
        guard position < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = bytes[position] == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard depth + 1 <= Self.maximumDepth else { throw error("values nested more than \(Self.maximumDepth) deep") }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == close {
                position += 1
                return
            }
            while true {
                if isObject {
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                        throw error("expected a key in quotes")
                    }
                    try skipString()
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                        throw error("expected ':' after a key")
                    }
                    position += 1
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else {
                    throw error(isObject ? "the text ends inside an object" : "the text ends inside an array")
                }
                switch bytes[position] {
                case UInt8(ascii: ","):
                    position += 1
                    skipWhitespace()
                    if position < bytes.count, bytes[position] == close {
                        position += 1
                        return
                    }
                case close:
                    position += 1
                    return
                default:
                    throw error(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): _ = try literal("true", .null)
        case UInt8(ascii: "f"): _ = try literal("false", .null)
        case UInt8(ascii: "n"): _ = try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try numberText()
        default: throw error("unexpected character '\(Self.describe(bytes[position]))'")
        }
    }

    /// Moves past a string at `position` (its opening quote), checking its escapes.
    private mutating func skipString() throws {
        position += 1
        var scratch: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                position += 1
                scratch.removeAll(keepingCapacity: true)
                try unescape(into: &scratch)
            default:
                guard byte >= 0x20 else { throw error("a control character inside a string") }
                position += 1
            }
        }
        throw error("the text ends inside a string")
    }

    /// A string at `position` (its opening quote), escapes resolved.
    private mutating func string() throws -> String {
        position += 1
        let start = position
        // Most strings have no escape: one scan, then one validated copy.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try utf8(start..<position)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("a control character inside a string") }
            position += 1
        }
        var scalars = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: scalars, as: UTF8.self) else { throw error("a string that is not UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try unescape(into: &scalars)
            default:
                guard byte >= 0x20 else { throw error("a control character inside a string") }
                scalars.append(byte)
                position += 1
            }
        }
        throw error("the text ends inside a string")
    }

    /// Appends the escape at `position` (the byte after the backslash) to `scalars`.
    private mutating func unescape(into scalars: inout [UInt8]) throws {
        switch JSONEscape.unescape(bytes.baseAddress!, end: bytes.count, position: &position, into: &scalars) {
        case nil: return
        case .truncated: throw error("the text ends inside an escape")
        case .badHex: throw error("a \\u escape needs four hexadecimal digits")
        case .unpairedSurrogate: throw error("an unpaired surrogate in a \\u escape")
        case .unknown(let escape):
            position -= 1
            throw error("an unknown escape '\\\(Self.describe(escape))'")
        }
    }

    /// A number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as the
    /// tree holds it (`JSONTree.number(text:)`).
    private mutating func number() throws -> Node {
        let text = try numberText()
        guard let value = Node.number(text: text) else { throw error("a number a Double cannot hold") }
        return value
    }

    /// Moves past a number in JSON's grammar, returning its text.
    private mutating func numberText() throws -> UnsafeBufferPointer<UInt8> {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("a '-' without digits") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) { throw error("a number with a leading zero") }
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("a '.' without digits after it") }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("an exponent without digits") }
            skipDigits()
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<position])
    }

    private mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func utf8(_ range: Range<Int>) throws -> String {
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw error("a string that is not UTF-8")
        }
        return text
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : String(format: "\\u%04X", byte)
    }
}
