import Foundation

/// Decodes any `Decodable` from JSON as `JSONDecoder` does for plain structs of strings, numbers,
/// arrays and dictionaries, in a fraction of the time: the text is parsed once
/// (`JSONParser`), then read through `Codable`. Numbers keep their text until a field asks for
/// one, so a 64-bit integer is exact and a fraction is never read as an integer.
///
/// Message headers are read this way (`WireJSON` in Wire). Unlike `JSONDecoder`, `Data` and
/// `Date` fields are read through their own `Codable` forms, not base64 and seconds; headers have
/// none. With `.snakeCase` keys a property is found under its snake-case key only.
///
/// - Throws: `DecodingError` naming what is wrong and where.
public struct ExactJSONDecoder: Sendable {
    public var keys: JSONKeyStyle

    public init(keys: JSONKeyStyle) {
        self.keys = keys
    }

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let tree = try data.withUnsafeBytes { raw in
            var parser = JSONParser<ExactJSONValue>(bytes: raw.bindMemory(to: UInt8.self))
            return try parser.document()
        }
        return try JSONTreeDecoder(tree, codingPath: [], keys: keys).decodeValue(T.self)
    }
}
