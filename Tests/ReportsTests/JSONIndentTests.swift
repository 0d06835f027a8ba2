import Evaluation
import Foundation
import JSON
import Reports
import Testing

/// `JSONIndent.pretty` turns what `SortedJSONEncoder` writes compact into the bytes it writes
/// pretty, and a result's compact text into what decoding it and encoding it indented gives (the
/// client's `--json` before).
@Suite struct JSONIndentTests {
    static func expectIndentsAsTheEncoder(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let compact = try SortedJSONEncoder(pretty: false).encodeBytes(value)
        let pretty = try SortedJSONEncoder(pretty: true).encodeBytes(value)
        let indented = JSONIndent.pretty(compact)
        #expect(
            indented == pretty,
            "\(String(decoding: indented.prefix(600), as: UTF8.self))\nagainst\n\(String(decoding: pretty.prefix(600), as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true])
    func aResultIndentsAsDecodingAndEncodingItAgain(multiLabel: Bool) throws {
        for metrics in [try Fixtures.realisticResult(multiLabel: multiLabel).evalMetrics(run: Fixtures.run),
                        try Fixtures.handResult().evalMetrics(run: Fixtures.run)] {
            let compact = try EvalMetricsJSON.encodeBytes(metrics, pretty: false)
            let again = try EvalMetricsJSON.encode(try EvalMetricsJSON.decode(Data(compact)))
            #expect(JSONIndent.pretty(compact) == Array(again))
            #expect(JSONIndent.pretty(compact).last == 0x0A)
        }
    }

    @Test func everyKindOfValueIndentsAsTheEncoder() throws {
        try Self.expectIndentsAsTheEncoder(SortedJSONEncoderTests.Shapes())
        try Self.expectIndentsAsTheEncoder([SortedJSONEncoderTests.Shapes(), SortedJSONEncoderTests.Shapes()])
        try Self.expectIndentsAsTheEncoder(JSONValue.array([]))
        try Self.expectIndentsAsTheEncoder(JSONValue.object([:]))
        try Self.expectIndentsAsTheEncoder(JSONValue.array([.array([]), .object([:]), .array([.object([:])])]))
        try Self.expectIndentsAsTheEncoder("a string with { [ , : ] } \" \\\" inside")
        try Self.expectIndentsAsTheEncoder(3.0)
    }

    /// Random trees: strings holding brackets, commas, colons, quotes and backslashes.
    @Test func randomValuesIndentAsTheEncoder() throws {
        var random = SystemRandomNumberGenerator()
        func key() -> String {
            let alphabet = Array("aZ0 {}[],:\"\\/\n\u{1}é😀")
            return String((0..<Int(random.next() % 6)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        func value(_ depth: Int) -> JSONValue {
            switch depth > 3 ? random.next() % 4 : random.next() % 6 {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .number(Double(Int64(bitPattern: random.next()) % 1_000_000) / 1_000)
            case 3: return .string(key())
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int(random.next() % 4)).map { _ in (key(), value(depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<500 { try Self.expectIndentsAsTheEncoder(value(0)) }
    }

    @Test func whitespaceOutsideStringsIsDroppedAndATrailingNewlineKept() {
        let text = Array("{ \"a b\" : [ 1 , 2 ] ,\n\"c\":{}}\n".utf8)
        #expect(String(decoding: JSONIndent.pretty(text), as: UTF8.self)
            == "{\n  \"a b\" : [\n    1,\n    2\n  ],\n  \"c\" : {\n\n  }\n}\n")
    }
}
