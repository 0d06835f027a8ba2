/// A key directory, key file or allowlist that cannot be used: what is wrong, where, and what to do.
///
/// `description` reads `keys/worker-1/worker.key: missing; run `crossfold keys generate DIR` and
/// hand this host its worker-N folder`. It never holds a secret key.
public struct KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A file or directory the role needs is not there.
        case missing
        /// It exists but cannot be read (permissions, not a regular file).
        case unreadable
        /// Its content is not what it should be (a bad key, a malformed allowlist line).
        case invalid
        /// A secret key others can read, or a key file others can write.
        case tooOpen = "too-open"
        /// `keys generate` would overwrite existing keys (use --force).
        case exists
        /// A key or allowlist could not be written.
        case unwritable
    }

    public let kind: Kind
    /// The file or directory concerned.
    public let path: String
    /// The 1-based line, for allowlists.
    public let line: Int?
    /// What is wrong.
    public let message: String
    /// What to do about it.
    public let fix: String

    public init(_ kind: Kind, path: String, line: Int? = nil, _ message: String, fix: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.message = message
        self.fix = fix
    }

    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        return "\(place): \(message); \(fix)"
    }
}
