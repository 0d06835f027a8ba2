import Foundation

/// A `Decoder` over a parsed tree: `JSONValue` with proto3's number rules (`ProtoJSONDecoder`), or
/// `ExactJSONValue` with JSON's own (`ExactJSONDecoder`). Property names are looked up as `keys`
/// writes them.
struct JSONTreeDecoder<Node: JSONTree>: Decoder {
    let value: Node
    let codingPath: [any CodingKey]
    let keys: JSONKeyStyle
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: Node, codingPath: [any CodingKey], keys: JSONKeyStyle) {
        self.value = value
        self.codingPath = codingPath
        self.keys = keys
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Node.self, let tree = value as? T { return tree }
        if keys != .asIs, let dictionary = T.self as? any StringKeyedDictionary.Type {
            return try dictionary.init(fieldsOf: self) as! T
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let fields = value.objectValue else { throw mismatch([String: Node].self) }
        return KeyedDecodingContainer(KeyedContainer<Key, Node>(fields: fields, codingPath: codingPath, keys: keys))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = value.arrayValue else { throw mismatch([Node].self) }
        return UnkeyedContainer(items: items, codingPath: codingPath, keys: keys)
    }

    func child(_ value: Node, _ key: any CodingKey) -> JSONTreeDecoder {
        JSONTreeDecoder(value, codingPath: codingPath + [key], keys: keys)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type, _ detail: String = "") -> DecodingError {
        .typeMismatch(type, DecodingError.Context(
            codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)\(detail)"))
    }

    func float() throws -> Double {
        do throws(JSONNumberMismatch) {
            return try value.floatingValue()
        } catch {
            throw mismatch(Double.self)
        }
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        do throws(JSONNumberMismatch) {
            return try value.integerValue(I.self)
        } catch .notWholeInRange {
            throw mismatch(I.self, " (not a whole number in range)")
        } catch {
            throw mismatch(I.self)
        }
    }
}

extension JSONTreeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let flag = value.boolValue else { throw mismatch(Bool.self) }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard let text = value.stringValue else { throw mismatch(String.self) }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double { try float() }
    func decode(_ type: Float.Type) throws -> Float { Float(try float()) }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self) }
}

private struct KeyedContainer<Key: CodingKey, Node: JSONTree>: KeyedDecodingContainerProtocol {
    let fields: [String: Node]
    let codingPath: [any CodingKey]
    let keys: JSONKeyStyle

    /// The keys whose names `keys` writes as one of the object's (a snake-case key matches the
    /// property it was written from only; keys of other types are not guessed).
    var allKeys: [Key] {
        keys == .asIs
            ? fields.keys.compactMap { Key(stringValue: $0) }
            : fields.keys.compactMap { name in Key(stringValue: name).flatMap { keys.key(for: $0.stringValue) == name ? $0 : nil } }
    }

    func contains(_ key: Key) -> Bool { fields[keys.key(for: key.stringValue)] != nil }

    private func child(_ key: Key) throws -> JSONTreeDecoder<Node> {
        let name = keys.key(for: key.stringValue)
        guard let value = fields[name] else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "no value for \"\(name)\""))
        }
        return JSONTreeDecoder(value, codingPath: codingPath + [key], keys: keys)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(T.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { JSONTreeDecoder(Node.object(fields), codingPath: codingPath, keys: keys) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedContainer<Node: JSONTree>: UnkeyedDecodingContainer {
    let items: [Node]
    let codingPath: [any CodingKey]
    let keys: JSONKeyStyle
    var currentIndex = 0

    init(items: [Node], codingPath: [any CodingKey], keys: JSONKeyStyle) {
        self.items = items
        self.codingPath = codingPath
        self.keys = keys
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> JSONTreeDecoder<Node> {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Node.self, DecodingError.Context(
                codingPath: codingPath, debugDescription: "the array has only \(items.count) elements"))
        }
        defer { currentIndex += 1 }
        return JSONTreeDecoder(items[currentIndex], codingPath: codingPath + [Index(currentIndex)], keys: keys)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

/// A `[String: V]` dictionary: its keys are data and are read as they are, whatever the key style
/// (as `JSONDecoder` reads them).
private protocol StringKeyedDictionary {
    init<Node>(fieldsOf decoder: JSONTreeDecoder<Node>) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    fileprivate init<Node>(fieldsOf decoder: JSONTreeDecoder<Node>) throws {
        guard let fields = decoder.value.objectValue else { throw decoder.mismatch([String: Node].self) }
        self.init(minimumCapacity: fields.count)
        for (name, value) in fields {
            self[name] = try decoder.child(value, DictionaryKey(name)).decodeValue(Value.self)
        }
    }
}
