/// A message that cannot be accepted, with what the peer should be told.
///
/// Receivers drop malformed messages and log them; an unsupported version is answered with an
/// `ERROR` that says to run matching versions, never silently downgraded.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// Frame 0 is not `crossfold/<n>`: not our protocol at all.
        case notCrossfold = "not-crossfold"
        /// Our protocol, another version.
        case unsupportedVersion = "unsupported-version"
        /// A command this socket does not carry.
        case unknownCommand = "unknown-command"
        /// Wrong frame count, bad JSON header, sizes that do not add up.
        case malformed = "malformed"
        /// A frame or header over the protocol's limits.
        case tooLarge = "too-large"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
