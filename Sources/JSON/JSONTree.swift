/// A JSON value as `JSONParser` builds it. Two trees are built: `JSONValue` (numbers as Doubles,
/// as protobuf's `Value` holds them) for results and Clarifai's replies, and `ExactJSONValue`
/// (numbers as written, so a 64-bit integer stays exact) for message headers.
protocol JSONTree: Sendable {
    static var null: Self { get }
    static func bool(_ flag: Bool) -> Self
    static func string(_ text: String) -> Self
    static func array(_ items: [Self]) -> Self
    static func object(_ fields: [String: Self]) -> Self
    /// A number from its text, already checked against JSON's grammar; nil when this tree cannot
    /// hold it.
    static func number(text: UnsafeBufferPointer<UInt8>) -> Self?

    var isNull: Bool { get }
    var boolValue: Bool? { get }
    var stringValue: String? { get }
    var arrayValue: [Self]? { get }
    var objectValue: [String: Self]? { get }
    /// The value as a Double, or why it is not one.
    func floatingValue() throws(JSONNumberMismatch) -> Double
    /// The value as an integer of type `I`, or why it is not one.
    func integerValue<I: FixedWidthInteger>(_ type: I.Type) throws(JSONNumberMismatch) -> I
    /// What the value is, for an error message: "a boolean", "the number 3", "an object".
    var kind: String { get }
}

/// Why a JSON value is not the number a field wants.
enum JSONNumberMismatch: Error {
    /// Not a number (or, in proto3's rules, not a number's text).
    case notANumber
    /// A number, but not a whole one in the integer type's range.
    case notWholeInRange
}
