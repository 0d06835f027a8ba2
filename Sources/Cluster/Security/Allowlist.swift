import ZeroMQ

/// The CURVE public keys allowed on one of the coordinator's ZAP domains, each with the name the
/// coordinator knows its holder by (the ZAP User-Id). On disk, one `NAME PUBLIC_KEY_Z85` per line;
/// lines starting with `#` are comments (not the rest of a line: `#` is a Z85 character), blank
/// lines are ignored:
///
/// ```
/// # workers.allow: keys allowed on the worker and data sockets
/// worker-1 rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
/// ```
public struct Allowlist: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// 1 to 64 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
        public let name: String
        public let key: CurvePublicKey

        public init(name: String, key: CurvePublicKey) {
            self.name = name
            self.key = key
        }
    }

    public let entries: [Entry]

    /// An allowlist of `entries`; names and keys must be unique and names valid (`isValidName`).
    /// - Throws: `KeyFileError` `.invalid` naming the offending entry, with `path` as its place.
    public init(_ entries: [Entry], path: String = "allowlist") throws(KeyFileError) {
        var names: Set<String> = []
        var keys: Set<CurvePublicKey> = []
        for entry in entries {
            try Self.check(entry, names: &names, keys: &keys, path: path, line: nil)
        }
        self.entries = entries
    }

    /// Parses allowlist text; `path` names the file in errors.
    /// - Throws: `KeyFileError` `.invalid` with the line of a malformed entry, a bad key, or a
    ///   repeated name or key.
    public static func parse(_ text: String, path: String) throws(KeyFileError) -> Allowlist {
        var entries: [Entry] = []
        var names: Set<String> = []
        var keys: Set<CurvePublicKey> = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            // A comment is a whole line: `#` is one of Z85's characters, so it can sit inside a key.
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            guard fields.count == 2 else {
                throw KeyFileError(
                    .invalid, path: path, line: line, "expected `NAME PUBLIC_KEY`, found \(fields.count) fields",
                    fix: "write one name and one 40-character Z85 public key per line")
            }
            let key: CurvePublicKey
            do {
                key = try CurvePublicKey(z85: String(fields[1]))
            } catch {
                throw KeyFileError(
                    .invalid, path: path, line: line, "the key of \(fields[0]) is not a CURVE public key (\(error.detail ?? error.reason))",
                    fix: "copy the whole public key from the peer's .pub file")
            }
            let entry = Entry(name: String(fields[0]), key: key)
            try check(entry, names: &names, keys: &keys, path: path, line: line)
            entries.append(entry)
        }
        return try Allowlist(entries, path: path)
    }

    /// The file's text: a comment line, then one entry per line.
    public func text(comment: String) -> String {
        let header = comment.split(separator: "\n").map { "# \($0)\n" }.joined()
        return header + entries.map { "\($0.name) \($0.key.z85)\n" }.joined()
    }

    /// Names by key, the form `ZAPHandler.allowlist` takes.
    public var namesByKey: [CurvePublicKey: String] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.name) })
    }

    /// Whether `name` can name a key: 1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a letter or
    /// digit. No `/`, so a worker's id `NAME/WORKER-NAME` splits unambiguously.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func check(
        _ entry: Entry, names: inout Set<String>, keys: inout Set<CurvePublicKey>, path: String, line: Int?
    ) throws(KeyFileError) {
        guard isValidName(entry.name) else {
            throw KeyFileError(
                .invalid, path: path, line: line, "\"\(entry.name)\" is not a valid name",
                fix: "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard names.insert(entry.name).inserted else {
            throw KeyFileError(
                .invalid, path: path, line: line, "the name \(entry.name) appears twice",
                fix: "give every key its own name")
        }
        guard keys.insert(entry.key).inserted else {
            throw KeyFileError(
                .invalid, path: path, line: line, "the key of \(entry.name) is listed twice",
                fix: "list each public key once")
        }
    }
}
