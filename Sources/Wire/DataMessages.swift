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

/// The coordinator's answer to a FETCH: bytes, or the news that it does not hold the dataset.
public enum DataReply: Sendable, Equatable {
    case chunk(Chunk, bytes: [UInt8])
    case missing(DatasetRef)

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
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a data-socket reply")
        }
    }
}
