/// Writes a flat JSON object of exact numbers and strings, compact, its fields given in the
/// order of their keys' UTF-8 bytes: the bytes `SortedJSONEncoder(pretty: false)` writes for a
/// struct with those properties, without `Codable` or sorting (through `Codable`, writing the TASK
/// header alone was a sixth of the coordinator's samples in its own code). `TaskHeadersTests` compares the
/// bytes of the headers written this way with `Codable`'s.
public struct JSONObjectWriter {
    private var out: [UInt8] = [UInt8(ascii: "{")]
    private var lastKey: String?

    public init(capacity: Int = 256) {
        out.reserveCapacity(capacity)
    }

    private mutating func key(_ key: String) {
        assert(lastKey.map { JSONText.precedes($0, key) } ?? true, "fields out of order at \(key)")
        if lastKey != nil { out.append(UInt8(ascii: ",")) }
        lastKey = key
        JSONText.string(key, into: &out)
        out.append(UInt8(ascii: ":"))
    }

    public mutating func integer(_ key: String, _ number: some BinaryInteger) {
        self.key(key)
        JSONText.integer(number, into: &out)
    }

    /// Leaves the field out when `number` is nil, as a synthesized `Encodable` does.
    public mutating func integer(_ key: String, ifPresent number: (some BinaryInteger)?) {
        if let number { integer(key, number) }
    }

    /// - Throws: `EncodingError.invalidValue` for a NaN or an infinity, as `JSONEncoder` does.
    public mutating func double(_ key: String, _ number: Double) throws {
        try JSONText.checkFinite(number, codingPath: [])
        self.key(key)
        JSONText.number(number, into: &out)
    }

    public mutating func string(_ key: String, _ text: String) {
        self.key(key)
        JSONText.string(text, into: &out)
    }

    /// Leaves the field out when `text` is nil, as a synthesized `Encodable` does.
    public mutating func string(_ key: String, ifPresent text: String?) {
        if let text { string(key, text) }
    }

    /// An object of strings, its keys sorted.
    public mutating func strings(_ key: String, _ strings: [String: String]) {
        self.key(key)
        // Strings only: writing them cannot throw.
        try? JSONText.object(JSONText.sorted(strings), into: &out, pretty: false, indent: 0) { text, out, _ in
            JSONText.string(text, into: &out)
        }
    }

    /// The object's text: the writer's buffer closed, not copied.
    public consuming func bytes() -> [UInt8] {
        var text = out
        text.append(UInt8(ascii: "}"))
        return text
    }
}
