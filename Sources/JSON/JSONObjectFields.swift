import Foundation

/// A JSON object's fields read directly, without `Codable`: what the busiest message headers
/// (TASK and RESULT, one of each per task) are read with, where going through `ExactJSONDecoder`'s
/// `Codable` layer was a sixth of the coordinator's and of the worker's samples in their own code.
///
/// Each accessor reads a field as `ExactJSONDecoder` would read it for a property of that type,
/// or gives nil where that decoder would throw (a missing field, another type, `12.0` for an
/// integer). A caller then decodes with `ExactJSONDecoder` after all, whose error says what is
/// wrong: this reader is a faster way to the same value, never a second set of rules.
public struct JSONObjectFields {
    private let fields: [String: ExactJSONValue]

    /// The fields of the object `data` holds; nil when it is not valid JSON or not an object.
    public init?(_ data: Data) {
        let tree = try? data.withUnsafeBytes { raw in
            var parser = JSONParser<ExactJSONValue>(bytes: raw.bindMemory(to: UInt8.self))
            return try parser.document()
        }
        guard case .object(let fields)? = tree else { return nil }
        self.fields = fields
    }

    public func string(_ key: String) -> String? {
        fields[key]?.stringValue
    }

    public func integer<I: FixedWidthInteger>(_ key: String, as type: I.Type = Int.self) -> I? {
        try? fields[key]?.integerValue(I.self)
    }

    public func double(_ key: String) -> Double? {
        try? fields[key]?.floatingValue()
    }

    /// An optional property: `.some(nil)` when the field is missing or null, nil when it holds
    /// anything but a string.
    public func optionalString(_ key: String) -> String?? {
        guard let value = fields[key], !value.isNull else { return .some(nil) }
        guard let text = value.stringValue else { return nil }
        return .some(text)
    }

    /// An optional property: `.some(nil)` when the field is missing or null, nil when it holds
    /// anything but an integer `I` holds.
    public func optionalInteger<I: FixedWidthInteger>(_ key: String, as type: I.Type = Int.self) -> I?? {
        guard let value = fields[key], !value.isNull else { return .some(nil) }
        guard let number = try? value.integerValue(I.self) else { return nil }
        return .some(number)
    }

    /// A `[String: String]` property: an object of strings, its keys as they are (keys of a
    /// dictionary are data, never converted, as in `ExactJSONDecoder`).
    public func strings(_ key: String) -> [String: String]? {
        guard case .object(let object)? = fields[key] else { return nil }
        var strings = [String: String](minimumCapacity: object.count)
        for (name, value) in object {
            guard let text = value.stringValue else { return nil }
            strings[name] = text
        }
        return strings
    }
}
