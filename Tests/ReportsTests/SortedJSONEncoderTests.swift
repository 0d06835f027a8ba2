import Evaluation
import Foundation
import JSON
import Reports
import Testing

/// `SortedJSONEncoder` writes the bytes `JSONEncoder` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes`, pretty or compact.
@Suite struct SortedJSONEncoderTests {
    static func foundation(_ value: some Encodable, pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func expectSameBytes(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for pretty in [false, true] {
            let ours = try SortedJSONEncoder(pretty: pretty).encode(value)
            let theirs = try foundation(value, pretty: pretty)
            #expect(
                ours == theirs,
                "pretty \(pretty):\n\(String(decoding: ours.prefix(600), as: UTF8.self))\nagainst\n\(String(decoding: theirs.prefix(600), as: UTF8.self))",
                sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [false, true])
    func aResultsMetricsAreTheSameBytes(multiLabel: Bool) throws {
        try Self.expectSameBytes(try Fixtures.realisticResult(multiLabel: multiLabel).evalMetrics(run: Fixtures.run))
        try Self.expectSameBytes(try Fixtures.handResult().evalMetrics(run: Fixtures.run))
    }

    struct Shapes: Encodable {
        var int = -42
        var big = UInt64.max
        var small = Int64.min
        var float: Float = 0.1
        var floats: [Float] = [1, .greatestFiniteMagnitude, Float(bitPattern: 1), -0.0, 16_777_216, 1.0e-7]
        var double = 0.1
        var optionalNil: Int? = nil
        var optionalSet: String? = "set"
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nested = [["a": [1.5, 2]], [:]]
        var flags = [true, false]
        var text = "quote \" backslash \\ slash / newline \n tab \t return \r bell \u{7} del \u{7F} é 中 😀 \u{2028}"
        var controls = String((0..<32).map { Character(UnicodeScalar(UInt8($0))) })
        var keys = ["b": 1, "B": 2, "a1": 3, "a": 4, "aa": 5, "é": 6, "z": 7, "Z": 8, "": 9]
        /// Keys that share their first eight bytes, which are compared whole.
        var longKeys = ["macro_roc": 1, "macro_r": 2, "macro_ro": 3, "macro_roc_auc": 4, "macro_ro\u{1}": 5, "macro_roé": 6]
        var json: JSONValue = .object(["z": .array([.number(1), .number(-0.0), .null, .bool(true)]), "a": .string("x\u{1}"), "m": .object([:])])
    }

    @Test func everyKindOfValueIsTheSameBytes() throws {
        try Self.expectSameBytes(Shapes())
        try Self.expectSameBytes([Shapes(), Shapes()])
        try Self.expectSameBytes(JSONValue.array([]))
        try Self.expectSameBytes("top-level string")
        try Self.expectSameBytes(3.0)
    }

    /// Random trees of JSON values: numbers of every magnitude, keys of every kind.
    @Test func randomValuesAreTheSameBytes() throws {
        var random = SystemRandomNumberGenerator()
        func number() -> Double {
            switch random.next() % 4 {
            case 0: Double(Int64(bitPattern: random.next()) % 1_000_000)
            case 1: Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
            case 2: Double(random.next() % 10_000) / 1_000
            default: Double.random(in: -1...1, using: &random) * pow(10, Double(Int(random.next() % 40) - 20))
            }
        }
        func key() -> String {
            let alphabet = Array("aAzZ01 _-é中😀\"\\/\n\u{1}")
            return String((0..<Int(random.next() % 5)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        func value(_ depth: Int) -> JSONValue {
            switch depth > 3 ? random.next() % 4 : random.next() % 6 {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .number(number())
            case 3: return .string(key())
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int(random.next() % 4)).map { _ in (key(), value(depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<300 { try Self.expectSameBytes(value(0)) }
    }

    /// Whole numbers are written as integers below 10^15 and from their description above: the
    /// same bytes either side of the boundary, for both signs and zero's two.
    @Test func wholeNumbersOfEveryMagnitudeAreTheSameBytes() throws {
        var numbers: [Double] = [0, -0.0, 1e15 - 1, 1e15, 1e15 + 1, 1e16, 9_007_199_254_740_992, 123_456_789_012_345]
        for power in 0...62 {
            let two = Double(UInt64(1) << power)
            numbers += [two, two - 1, two + 1]
        }
        for power in 0...22 {
            let ten = pow(10, Double(power))
            numbers += [ten, ten - 1, ten * 7]
        }
        numbers += numbers.map { -$0 }
        try Self.expectSameBytes(numbers)
        try Self.expectSameBytes(JSONValue.array(numbers.map(JSONValue.number)))
    }

    @Test func nonFiniteNumbersAreRefusedAsJSONEncoderRefusesThem() {
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try SortedJSONEncoder(pretty: false).encode(["x": bad]) }
            #expect(throws: EncodingError.self) { try SortedJSONEncoder(pretty: true).encode(JSONValue.array([.number(bad)])) }
        }
        #expect(throws: EncodingError.self) { try SortedJSONEncoder(pretty: false).encode([Float.nan]) }
    }
}
