import Foundation

/// Decodes any `Decodable` from JSON written by a protobuf JSON printer (Clarifai's REST API),
/// accepting every form proto3's JSON mapping allows for a number: a JSON number, a number in a
/// string (`"0.5"`, `"12"`, `"1e-3"`), and for floats `"NaN"`, `"Infinity"` and `"-Infinity"`.
/// An integer read into a float field is the same value.
///
/// Everything else is as strict as `JSONDecoder`; `JSONValue` subtrees (protobuf `Struct`s such
/// as `eval_info.params`) are taken as they are, strings staying strings.
public struct ProtoJSONDecoder: Sendable {
    public init() {}

    /// - Throws: `DecodingError` naming the path of the value that does not fit.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(T.self, from: try JSONValue.parse(data))
    }

    /// The same from JSON already parsed (`JSONValue.parse`), so one text can be read as several
    /// types without parsing it again.
    public func decode<T: Decodable>(_ type: T.Type, from tree: JSONValue) throws -> T {
        try JSONTreeDecoder(tree, codingPath: [], keys: .asIs).decodeValue(T.self)
    }
}
