import Foundation

/// A Clarifai personal access token (or app key) that never shows itself.
///
/// `description`, `debugDescription`, `dump`, `Mirror` and string interpolation all print a
/// redaction, and the type is deliberately not `Codable`, so a token cannot end up in a log line,
/// an error message, a results file or a report by accident. Only this module reads the secret, to
/// build the `Authorization: Key <token>` header and to scrub server text that echoes it.
public struct PersonalAccessToken: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// What every rendering of a token shows instead of the token.
    public static let redaction = "<redacted Clarifai PAT>"

    private let secret: String
    /// Where the token came from (`CLARIFAI_PAT` or `--pat-file PATH`), for messages that say
    /// which token to replace.
    public let source: String

    /// Wraps `secret` after trimming surrounding whitespace.
    ///
    /// - Throws: `ClarifaiError.invalidPAT` when the trimmed token is empty or holds whitespace or
    ///   control characters (which would break or inject into the HTTP header). The error names
    ///   `source`, never the token.
    public init(_ secret: String, source: String) throws(ClarifaiError) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw .invalidPAT(source: source, reason: "it is empty")
        }
        guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidPAT(source: source, reason: "it holds spaces, control or non-ASCII characters")
        }
        self.secret = trimmed
        self.source = source
    }

    /// Tokens are equal when their secrets are, wherever they came from.
    public static func == (lhs: PersonalAccessToken, rhs: PersonalAccessToken) -> Bool {
        lhs.secret == rhs.secret
    }

    public var description: String { Self.redaction }
    public var debugDescription: String { Self.redaction }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// The value of the `Authorization` header Clarifai's JSON API accepts.
    var authorizationHeaderValue: String { "Key " + secret }

    /// `text` with every occurrence of the token replaced by the redaction, for text that came from
    /// the server (a rejected key may be echoed back in `status.details`).
    func scrub(_ text: String) -> String {
        text.replacingOccurrences(of: secret, with: Self.redaction)
    }

    /// `data` unchanged unless it holds the token, which is then replaced by the redaction.
    func scrub(_ data: Data) -> Data {
        guard data.range(of: Data(secret.utf8)) != nil else { return data }
        return Data(scrub(String(decoding: data, as: UTF8.self)).utf8)
    }
}
