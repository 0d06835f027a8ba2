import Evaluation
import Foundation
import JSON
import Testing

/// `JSONValue.parse` reads what Foundation's `JSONDecoder` reads, to the same tree (its
/// leniencies included), and refuses what it refuses, with the byte where the text goes wrong.
@Suite struct JSONValueParseTests {
    static let valid = [
        "null", "true", "false", "0", "-0", "12", "-3.25", "1e3", "1E-7", "2.5e+2", "123456789012345678901234567890",
        "0.1", "5e-324", "1.7976931348623157e308", "\"\"", "\"plain\"", "\"tab\\tquote\\\" slash\\/ back\\\\\"",
        "\"\\u00e9\\u4e2d\\ud83d\\ude00\"", "\"é中😀\"", "[]", "{}", " [1, 2 ,3 ] ", "{\"a\":1,\"b\":[true,null,{\"c\":\"d\"}]}",
        "{\"a\": 1, \"a\": 2}", "\n\t{ \"nested\" : [ [ [ ] ] ] }\r\n", "\u{FEFF}{\"bom\": 1}",
        "[0.30000000000000004, -1.5e-10, 1e22, 9007199254740993]",
        // JSONDecoder's leniencies, kept: a trailing comma, and the first of repeated keys.
        "[1,]", "{\"a\":1,}", "[1, 2, ]",
    ]

    static let invalid = [
        "", " ", "nul", "tru", "[,]", "[1,,]", "{,}", "[1 2]", "{\"a\" 1}", "{a: 1}", "01", "-", "1.", ".5", "1e", "1e+",
        "+1", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"tab\tinside\"",
        "[1] 2", "{\"a\":1}}", "NaN", "Infinity", "1e400", "[", "{", "\"\\", "'single'",
    ]

    @Test(arguments: valid)
    func readsWhatJSONDecoderReads(text: String) throws {
        let data = Data(text.utf8)
        let expected = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(try JSONValue.parse(data) == expected)
    }

    @Test(arguments: invalid)
    func refusesWhatJSONDecoderRefuses(text: String) {
        let data = Data(text.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: data) }
        #expect {
            try JSONValue.parse(data)
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("not valid JSON") && context.debugDescription.contains("at byte")
        }
    }

    @Test func refusesInvalidUTF8AndDeepNestingWithoutCrashing() {
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data([0x22, 0xFF, 0xFE, 0x22])) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSONValue.parse(Data(fine.utf8))) != nil)
    }

    /// A result-sized document (nested objects, many numbers) reads back to what was written.
    @Test func aLargeDocumentRoundTrips() throws {
        let folds = (0..<2_000).map { (fold: Int) -> JSONValue in
            let auc: [JSONValue] = (0..<10).map { (concept: Int) -> JSONValue in .number(Double(concept * fold) / 3.0e5) }
            var fields: [String: JSONValue] = ["fold": .number(Double(fold)), "seconds": .number(Double(fold) / 7)]
            fields["worker"] = .string("w\(fold % 3)")
            fields["auc"] = .array(auc)
            fields["undefined"] = .null
            fields["ok"] = .bool(fold % 2 == 0)
            return .object(fields)
        }
        let document = JSONValue.object(["folds": .array(folds), "title": .string("ünïcødé \"quoted\"\n")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        #expect(try JSONValue.parse(encoder.encode(document)) == document)
    }

    // MARK: - An emptied array (`emptying`)

    static func replacing(_ tree: JSONValue, at path: ArraySlice<String>, with value: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var fields) = tree, let inner = fields[key] else { return tree }
        fields[key] = path.count == 1 ? value : replacing(inner, at: path.dropFirst(), with: value)
        return .object(fields)
    }

    /// The array at the path reads as empty, and everything else, the same keys off the path
    /// and inside the array included, as the full parse reads it (a byte-order mark belongs at the
    /// start of a document only).
    @Test(arguments: valid.filter { !$0.hasPrefix("\u{FEFF}") })
    func anEmptiedArrayReadsAsEmptyAndTheRestAsUsual(text: String) throws {
        let document = """
            {"b": [\(text)], "a": {"c": \(text), "b": [\(text), {"a": {"b": [\(text)]}}, \(text)], "d": [1]}}
            """
        let data = Data(document.utf8)
        let full = try JSONValue.parse(data)
        let emptied = try JSONValue.parse(data, emptying: ["a", "b"])
        #expect(emptied == Self.replacing(full, at: ["a", "b"], with: .array([])))
        #expect(emptied["b"] == full["b"] && emptied["a"]?["c"] == full["a"]?["c"])
    }

    /// What the full parse refuses inside the array is refused when it is emptied too, with the
    /// byte, except a number too large for a Double (its text is checked, not converted).
    @Test(arguments: invalid.filter { $0 != "1e400" })
    func anEmptiedArrayIsStillChecked(text: String) {
        let data = Data("{\"a\": {\"b\": [[\(text), 0], {\"k\": \(text)}]}}".utf8)
        #expect(throws: DecodingError.self) { try JSONValue.parse(data) }
        #expect {
            try JSONValue.parse(data, emptying: ["a", "b"])
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("not valid JSON") && context.debugDescription.contains("at byte")
        }
    }

    @Test func anythingButAnArrayAtThePathIsReadAsUsual() throws {
        for value in ["{\"x\": [1]}", "3", "\"text\"", "null"] {
            let data = Data("{\"a\": {\"b\": \(value)}}".utf8)
            #expect(try JSONValue.parse(data, emptying: ["a", "b"]) == JSONValue.parse(data))
        }
        let deep = "{\"a\": {\"b\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}}"
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data(deep.utf8), emptying: ["a", "b"]) }
    }
}
