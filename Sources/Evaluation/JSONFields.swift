import JSON

/// Typed access to one JSON object of the `crossfold` block, naming the dotted path of any field
/// that is missing or of the wrong type.
struct JSONFields {
    let fields: [String: JSONValue]
    let path: String

    init(_ value: JSONValue?, path: String) throws(CrossfoldReportError) {
        guard let object = value?.objectValue else { throw .invalidField(path: path, expected: "an object") }
        self.fields = object
        self.path = path
    }

    private func place(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func number(_ key: String) throws(CrossfoldReportError) -> Double {
        guard let value = fields[key]?.doubleValue else { throw .invalidField(path: place(key), expected: "a number") }
        return value
    }

    /// A number, or nil for JSON null or a missing key.
    func optionalNumber(_ key: String) throws(CrossfoldReportError) -> Double? {
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        default: throw .invalidField(path: place(key), expected: "a number or null")
        }
    }

    func int(_ key: String) throws(CrossfoldReportError) -> Int {
        let value = try number(key)
        guard value.rounded() == value, let exact = Int(exactly: value) else {
            throw .invalidField(path: place(key), expected: "an integer")
        }
        return exact
    }

    func string(_ key: String) throws(CrossfoldReportError) -> String {
        guard let value = fields[key]?.stringValue else { throw .invalidField(path: place(key), expected: "a string") }
        return value
    }

    func optionalString(_ key: String) throws(CrossfoldReportError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw .invalidField(path: place(key), expected: "a string or null")
        }
    }

    func object(_ key: String) throws(CrossfoldReportError) -> JSONFields {
        try JSONFields(fields[key], path: place(key))
    }

    func optionalObject(_ key: String) throws(CrossfoldReportError) -> JSONFields? {
        switch fields[key] {
        case nil, .null?: return nil
        default: return try object(key)
        }
    }

    /// The elements of an array of objects, each with its indexed path.
    func objects(_ key: String) throws(CrossfoldReportError) -> [JSONFields] {
        guard let array = fields[key]?.arrayValue else { throw .invalidField(path: place(key), expected: "an array") }
        var result: [JSONFields] = []
        for (index, element) in array.enumerated() {
            result.append(try JSONFields(element, path: "\(place(key))[\(index)]"))
        }
        return result
    }

    func strings(_ key: String) throws(CrossfoldReportError) -> [String] {
        guard let array = fields[key]?.arrayValue else { throw .invalidField(path: place(key), expected: "an array") }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let value = element.stringValue else {
                throw .invalidField(path: "\(place(key))[\(index)]", expected: "a string")
            }
            result.append(value)
        }
        return result
    }

    func intMatrix(_ key: String) throws(CrossfoldReportError) -> [[Int]] {
        guard let rows = fields[key]?.arrayValue else { throw .invalidField(path: place(key), expected: "an array") }
        var result: [[Int]] = []
        for (r, row) in rows.enumerated() {
            result.append(try Self.integers(row, path: "\(place(key))[\(r)]"))
        }
        return result
    }

    func ints(_ key: String) throws(CrossfoldReportError) -> [Int] {
        guard let value = fields[key] else { throw .invalidField(path: place(key), expected: "an array") }
        return try Self.integers(value, path: place(key))
    }

    private static func integers(_ value: JSONValue, path: String) throws(CrossfoldReportError) -> [Int] {
        guard let cells = value.arrayValue else { throw .invalidField(path: path, expected: "an array") }
        var values: [Int] = []
        for (c, cell) in cells.enumerated() {
            guard let number = cell.doubleValue, let exact = Int(exactly: number) else {
                throw .invalidField(path: "\(path)[\(c)]", expected: "an integer")
            }
            values.append(exact)
        }
        return values
    }
}
