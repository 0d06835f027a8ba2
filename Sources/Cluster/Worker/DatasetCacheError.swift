/// Why the dataset cache could not store or hand out a dataset.
public struct DatasetCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The bytes do not hash to the name they were fetched under.
        case hashMismatch = "hash-mismatch"
        /// The bytes hash right but are not a canonical dataset.
        case undecodable
        /// The cache directory or a file in it cannot be read.
        case unreadable
        /// The cache directory or a file in it cannot be written.
        case unwritable
        /// The dataset is not in the cache (any more).
        case notCached = "not-cached"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
