import Foundation

extension JSONValue {
    /// The JSON text `data` (UTF-8) as a tree: what `JSONDecoder().decode(JSONValue.self, from:)`
    /// gives, read directly from the bytes. A job's result is read this way, and Foundation's
    /// decoder, which goes through `Codable` for every value, took 81% of a client's CPU on a
    /// 10 MB result (8,000 folds).
    ///
    /// JSON (RFC 8259) as `JSONDecoder` reads it: one value, optionally surrounded by whitespace; a
    /// comma may end an array or object; a repeated key keeps its first value. Nesting deeper than
    /// 512 is refused rather than recursed into.
    ///
    /// `emptying`: object keys from the root to an array that is read as empty, checked for
    /// JSON's grammar but not built (its strings' bytes are not checked to be UTF-8, nor its
    /// numbers to fit a Double). A job's table needs its result's summary, not the per-fold
    /// section that is nearly all of it. Anything else at that path is read as usual.
    ///
    /// - Throws: `DecodingError.dataCorrupted` saying what is wrong and at which byte.
    public static func parse(_ data: Data, emptying: [String] = []) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser<JSONValue>(bytes: raw.bindMemory(to: UInt8.self), emptying: emptying)
            return try parser.document()
        }
    }
}

extension JSONValue: JSONTree {
    static func number(text: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { return nil }
        return .number(value)
    }

    var isNull: Bool { self == .null }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// A float in any of proto3's JSON forms: a number, its text, `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func floatingValue() throws(JSONNumberMismatch) -> Double {
        switch self {
        case .number(let number):
            return number
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let number = Double(text), number.isFinite else { throw .notANumber }
                return number
            }
        default:
            throw .notANumber
        }
    }

    /// An integer in any of proto3's JSON forms ("12", 12, 12.0, "1e2"); fractions and overflow refused.
    func integerValue<I: FixedWidthInteger>(_ type: I.Type) throws(JSONNumberMismatch) -> I {
        if case .string(let text) = self, let exact = I(text) { return exact }
        let number: Double
        switch self {
        case .number(let given): number = given
        case .string(let text):
            guard let parsed = Double(text) else { throw .notANumber }
            number = parsed
        default: throw .notANumber
        }
        guard let exact = I(exactly: number) else { throw .notWholeInRange }
        return exact
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): "the number \(number)"
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
