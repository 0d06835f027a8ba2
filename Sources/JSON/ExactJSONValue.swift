import Foundation

/// A JSON value whose numbers keep the text they were written as, so that a 64-bit integer (a
/// seed, a byte offset) reads back exactly and a number is never taken for another type. Message
/// headers are read through it (`ExactJSONDecoder`).
enum ExactJSONValue: Equatable, JSONTree {
    case null
    case bool(Bool)
    /// The number's text, as JSON's grammar allows it.
    case number(String)
    case string(String)
    case array([ExactJSONValue])
    case object([String: ExactJSONValue])

    static func number(text: UnsafeBufferPointer<UInt8>) -> ExactJSONValue? {
        .number(String(decoding: text, as: UTF8.self))
    }

    var isNull: Bool { self == .null }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var arrayValue: [ExactJSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var objectValue: [String: ExactJSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// A JSON number as the nearest Double; text and out-of-range numbers refused.
    func floatingValue() throws(JSONNumberMismatch) -> Double {
        guard case .number(let text) = self else { throw .notANumber }
        guard let number = Double(text), number.isFinite else { throw .notWholeInRange }
        return number
    }

    /// A JSON number written as an integer (`12`, `-3`) that `I` holds; `12.0`, `1e2` and text refused.
    func integerValue<I: FixedWidthInteger>(_ type: I.Type) throws(JSONNumberMismatch) -> I {
        guard case .number(let text) = self else { throw .notANumber }
        guard let exact = I(text) else { throw .notWholeInRange }
        return exact
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let text): "the number \(text.prefix(40))"
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
