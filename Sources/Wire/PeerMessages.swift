/// The chunk digests of a dataset (docs/PROTOCOL.md, Peer distribution): the SHA-256 of every
/// `chunkBytes` bytes of its canonical file (the last chunk shorter), computed by the coordinator
/// from the file it verified against the dataset's hash. Only the coordinator sends it, so a
/// fetcher that checks every chunk against it holds the dataset the coordinator holds, whoever
/// sent the bytes.
public struct Manifest: Sendable, Codable, Equatable {
    public static let digestBytes = 32

    public var dataset: String
    /// Bytes of the canonical file.
    public var size: Int
    public var chunkBytes: Int

    public init(dataset: String, size: Int, chunkBytes: Int) {
        self.dataset = dataset
        self.size = size
        self.chunkBytes = chunkBytes
    }

    public var chunkCount: Int { chunkBytes > 0 ? (size + chunkBytes - 1) / chunkBytes : 0 }

    /// Offset and length of chunk `index`.
    public func range(of index: Int) -> Range<Int> {
        let start = index * chunkBytes
        return start..<min(size, start + chunkBytes)
    }
}

/// A fetcher's SOURCES: what it holds of `dataset` (the payload bitmap) and whom it no longer
/// trusts for it; the coordinator answers with the peers that hold chunks it lacks.
public struct SourcesRequest: Sendable, Codable, Equatable {
    public var dataset: String
    public var chunks: Int
    /// Where the fetcher serves chunks (`tcp://HOST:PORT`), absent when it serves none.
    public var endpoint: String?
    /// Peers that sent it a chunk that failed its digest, or stopped answering.
    public var excluded: [String]

    public init(dataset: String, chunks: Int, endpoint: String?, excluded: [String] = []) {
        self.dataset = dataset
        self.chunks = chunks
        self.endpoint = endpoint
        self.excluded = excluded
    }
}

/// The coordinator's SOURCES: peers holding chunks of `dataset`, each followed in the payload by
/// the bitmap of what it holds; the first payload frame is the chunks the fetcher should take from
/// the coordinator itself (those no usable peer holds, shared out among the fetchers that lack
/// them, so the coordinator sends each about once).
public struct Sources: Sendable, Codable, Equatable {
    public struct Peer: Sendable, Codable, Equatable {
        public var endpoint: String
        /// The peer's CURVE public key (Z85), when the cluster uses keys.
        public var publicKey: String?

        public init(endpoint: String, publicKey: String? = nil) {
            self.endpoint = endpoint
            self.publicKey = publicKey
        }
    }

    public var dataset: String
    public var chunks: Int
    public var peers: [Peer]

    public init(dataset: String, chunks: Int, peers: [Peer]) {
        self.dataset = dataset
        self.chunks = chunks
        self.peers = peers
    }
}

/// A peer's refusal of one FETCH: it does not hold that chunk (`missing`), or it is serving as
/// many fetchers as it allows (`busy`); the fetcher asks elsewhere.
public struct Declined: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable {
        case missing, busy
    }

    public var dataset: String
    public var offset: Int
    public var reason: Reason

    public init(dataset: String, offset: Int, reason: Reason) {
        self.dataset = dataset
        self.offset = offset
        self.reason = reason
    }
}

/// A peer's data endpoint: `tcp://HOST:PORT`.
public enum PeerEndpoint {
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("tcp://"), text.utf8.count <= 300 else { return false }
        let rest = text.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1...65535).contains(port) else { return false }
        let host = rest[..<colon]
        return !host.isEmpty && host != "*" && !host.contains("/")
    }
}

/// The worker public keys a worker's data port admits (with CURVE), sent by the coordinator
/// after READY: the keys of its `workers.allow`.
public struct Admit: Sendable, Codable, Equatable {
    /// Z85 CURVE public keys.
    public var keys: [String]

    public init(keys: [String]) { self.keys = keys }
}
