/// Something about a dataset that does not stop an evaluation but is worth the user's attention.
///
/// `description` reads `FILE: MESSAGE (warning KIND). ADVICE`.
public struct DatasetWarning: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// A concept with fewer positive inputs than Clarifai recommends (50).
        case fewInputsPerConcept = "few-inputs-per-concept"
    }

    /// What kind of observation this is; the raw value is stable and appears in the text.
    public let kind: Kind
    /// The file the dataset came from.
    public let file: String
    /// The concept the warning is about, when it is about one.
    public let concept: String?
    /// What was noticed, in one sentence.
    public let message: String
    /// What the user may do about it.
    public let advice: String

    public init(_ kind: Kind, file: String, concept: String? = nil, _ message: String, advice: String) {
        self.kind = kind
        self.file = file
        self.concept = concept
        self.message = message
        self.advice = advice
    }

    public var description: String {
        "\(file): \(message) (warning \(kind.rawValue)). \(advice)"
    }
}
