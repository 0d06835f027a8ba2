import Datasets
import Wire

/// What a coordinator's data socket answers to MANIFEST and SOURCES for a dataset it holds as
/// `bytes`, when the asking worker is the only fetcher (every chunk assigned to it): for fake
/// coordinators in tests.
enum FakeDataAnswers {
    static func manifest(_ hash: String, bytes: [UInt8], chunkBytes: Int = WireProtocol.chunkBytes) -> DataReply {
        let digests = bytes.withUnsafeBytes { ChunkDigests.compute($0, chunkBytes: chunkBytes) }
        return .manifest(Manifest(dataset: hash, size: bytes.count, chunkBytes: chunkBytes), digests: digests)
    }

    static func sources(_ request: SourcesRequest) -> DataReply {
        .sources(Sources(dataset: request.dataset, chunks: request.chunks, peers: []),
                 assigned: .all(request.chunks), held: [])
    }
}
