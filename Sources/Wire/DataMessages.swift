/// A worker's request for part of a dataset, on the coordinator's data socket.
public struct FetchRequest: Sendable, Codable, Equatable {
    public var dataset: String
    public var offset: Int
    public var length: Int

    public init(dataset: String, offset: Int, length: Int) {
        self.dataset = dataset
        self.offset = offset
        self.length = length
    }

    public var envelope: Envelope { Envelope(command: "FETCH", header: self) }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> FetchRequest {
        let envelope = try Envelope.parse(frames)
        guard envelope.command == "FETCH" else {
            throw WireError(.unknownCommand, "\(envelope.command) is not a data-socket command")
        }
        try envelope.requirePayload(0)
        let request = try envelope.decodeHeader(FetchRequest.self)
        guard DatasetRef.isHash(request.dataset), request.offset >= 0,
              (1...(4 * WireProtocol.chunkBytes)).contains(request.length)
        else { throw WireError(.malformed, "FETCH needs a dataset hash, offset >= 0 and 1 <= length <= 4 MiB") }
        return request
    }
}

/// What a worker asks on a data socket: a chunk (of the coordinator or of a peer), or, of the
/// coordinator only, a dataset's chunk digests and who else holds its chunks.
public enum DataRequest: Sendable, Equatable {
    case fetch(FetchRequest)
    case manifest(DatasetRef)
    /// What the fetcher holds, and what it has asked of the coordinator and not yet written
    /// (its claims: the tracker assigns those chunks to no one else).
    case sources(SourcesRequest, held: ChunkSet, claimed: ChunkSet)

    public var envelope: Envelope {
        switch self {
        case .fetch(let request): request.envelope
        case .manifest(let ref): Envelope(command: "MANIFEST", header: ref)
        case .sources(let request, let held, let claimed):
            Envelope(command: "SOURCES", header: request, payload: [held.bytes, claimed.bytes])
        }
    }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> DataRequest {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "FETCH":
            return .fetch(try FetchRequest.decode(frames))
        case "MANIFEST":
            try envelope.requirePayload(0)
            let ref = try envelope.decodeHeader(DatasetRef.self)
            guard DatasetRef.isHash(ref.dataset) else { throw WireError(.malformed, "MANIFEST names no dataset hash") }
            return .manifest(ref)
        case "SOURCES":
            try envelope.requirePayload(2)
            let request = try envelope.decodeHeader(SourcesRequest.self)
            guard DatasetRef.isHash(request.dataset), (1...WireProtocol.maxChunks).contains(request.chunks),
                  request.endpoint.map(PeerEndpoint.isValid) ?? true,
                  request.excluded.count <= WireProtocol.maxPeers * 4, request.excluded.allSatisfy(PeerEndpoint.isValid),
                  let held = ChunkSet(bytes: envelope.payload[0], count: request.chunks),
                  let claimed = ChunkSet(bytes: envelope.payload[1], count: request.chunks)
            else { throw WireError(.malformed, "SOURCES needs a dataset hash, 1 to \(WireProtocol.maxChunks) chunks, tcp:// endpoints and two bitmaps of the chunks") }
            return .sources(request, held: held, claimed: claimed)
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a data-socket command")
        }
    }
}

/// A data socket's answer: bytes; the news that the coordinator does not hold the dataset; a peer
/// declining one chunk; a dataset's chunk digests; or where its chunks can be had.
public enum DataReply: Sendable, Equatable {
    case chunk(Chunk, bytes: [UInt8])
    case missing(DatasetRef)
    case declined(Declined)
    case manifest(Manifest, digests: [UInt8])
    case sources(Sources, assigned: ChunkSet, held: [ChunkSet])

    public struct Chunk: Sendable, Codable, Equatable {
        public var dataset: String
        public var offset: Int
        /// Total size of the canonical blob, so the fetcher knows when it is done.
        public var size: Int

        public init(dataset: String, offset: Int, size: Int) {
            self.dataset = dataset
            self.offset = offset
            self.size = size
        }
    }

    /// Header envelope; the CHUNK payload frame is sent separately (zero-copy) by the coordinator.
    public var envelope: Envelope {
        switch self {
        case .chunk(let chunk, let bytes): Envelope(command: "CHUNK", header: chunk, payload: [bytes])
        case .missing(let ref): Envelope(command: "MISSING", header: ref)
        case .declined(let declined): Envelope(command: "DECLINED", header: declined)
        case .manifest(let manifest, let digests): Envelope(command: "MANIFEST", header: manifest, payload: [digests])
        case .sources(let sources, let assigned, let held):
            Envelope(command: "SOURCES", header: sources, payload: [assigned.bytes] + held.map(\.bytes))
        }
    }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> DataReply {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "CHUNK":
            try envelope.requirePayload(1)
            let chunk = try envelope.decodeHeader(Chunk.self)
            let bytes = envelope.payload[0]
            guard DatasetRef.isHash(chunk.dataset), chunk.offset >= 0, chunk.size >= 0,
                  chunk.offset <= chunk.size, bytes.count <= chunk.size - chunk.offset
            else { throw WireError(.malformed, "CHUNK offset/size do not fit the dataset size") }
            return .chunk(chunk, bytes: bytes)
        case "MISSING":
            return .missing(try envelope.decodeHeader(DatasetRef.self))
        case "DECLINED":
            try envelope.requirePayload(0)
            let declined = try envelope.decodeHeader(Declined.self)
            guard DatasetRef.isHash(declined.dataset), declined.offset >= 0 else {
                throw WireError(.malformed, "DECLINED needs a dataset hash and an offset")
            }
            return .declined(declined)
        case "MANIFEST":
            try envelope.requirePayload(1)
            let manifest = try envelope.decodeHeader(Manifest.self)
            guard DatasetRef.isHash(manifest.dataset), manifest.size > 0,
                  (1...(4 * WireProtocol.chunkBytes)).contains(manifest.chunkBytes),
                  manifest.chunkCount <= WireProtocol.maxChunks,
                  envelope.payload[0].count == manifest.chunkCount * Manifest.digestBytes
            else { throw WireError(.malformed, "MANIFEST needs a dataset hash, a size, a chunk size up to 4 MiB and 32 bytes of digest per chunk") }
            return .manifest(manifest, digests: envelope.payload[0])
        case "SOURCES":
            guard envelope.payload.count >= 1 else { throw WireError(.malformed, "SOURCES carries the assigned chunks") }
            let sources = try envelope.decodeHeader(Sources.self)
            guard DatasetRef.isHash(sources.dataset), (1...WireProtocol.maxChunks).contains(sources.chunks),
                  sources.peers.count <= WireProtocol.maxPeers, envelope.payload.count == 1 + sources.peers.count,
                  sources.peers.allSatisfy({ PeerEndpoint.isValid($0.endpoint) }),
                  let assigned = ChunkSet(bytes: envelope.payload[0], count: sources.chunks)
            else { throw WireError(.malformed, "SOURCES needs a dataset hash, at most \(WireProtocol.maxPeers) tcp:// peers and one bitmap per peer") }
            var held: [ChunkSet] = []
            for frame in envelope.payload.dropFirst() {
                guard let set = ChunkSet(bytes: frame, count: sources.chunks) else {
                    throw WireError(.malformed, "SOURCES has a bitmap of the wrong length")
                }
                held.append(set)
            }
            return .sources(sources, assigned: assigned, held: held)
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a data-socket reply")
        }
    }
}
