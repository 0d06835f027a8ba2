import Logging
import Wire
import ZeroMQ

/// Answers the data socket on the reactor thread: FETCH with a CHUNK whose payload is a zero-copy
/// slice of the registered dataset's pinned bytes; MANIFEST with the dataset's chunk digests
/// (`ManifestCache`, sent later through `reply` when they are still being computed); SOURCES goes
/// to the core, which knows the workers.
enum DataServer {
    static func serve(
        _ socket: Socket, registry: DatasetRegistry, manifests: ManifestCache,
        feed: AsyncStream<CoordinatorInput>.Continuation, reply: @escaping @Sendable (PeerID, [Frame]) -> Void,
        logger: Logger
    ) {
        for _ in 0..<64 {
            guard let message = try? socket.tryReceive(properties: [.userID]), message.count >= 2 else { return }
            let peer = message.frames[0]
            let request: DataRequest
            do {
                request = try DataRequest.decode(message.frames.dropFirst().map(\.bytes))
            } catch {
                logger.warning("dropped a malformed data request", metadata: ["error": "\(error)"])
                continue
            }
            switch request {
            case .fetch(let fetch):
                send([peer] + chunk(fetch, registry: registry), on: socket, logger: logger)
            case .manifest(let ref):
                guard let entry = registry.entry(ref.dataset) else {
                    send([peer] + missing(ref.dataset), on: socket, logger: logger)
                    continue
                }
                let id = PeerID(peer.bytes)
                manifests.manifest(of: entry) { manifest, digests in
                    reply(id, DataReply.manifest(manifest, digests: digests).envelope.frames.map { Frame($0) })
                }
            case .sources(let sources, let held, let claimed):
                feed.yield(.sources(PeerID(peer.bytes), sources, held: held, claimed: claimed, identity: message.userID))
            }
        }
    }

    private static func chunk(_ request: FetchRequest, registry: DatasetRegistry) -> [Frame] {
        guard let entry = registry.entry(request.dataset), request.offset <= entry.bytes.count else {
            return missing(request.dataset)
        }
        let end = min(entry.bytes.count, request.offset + request.length)
        let header = DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: entry.bytes.count)
        return Envelope(command: "CHUNK", header: header).frames.map { Frame($0) }
            + [Frame(zeroCopy: entry.bytes, range: request.offset..<end)]
    }

    private static func missing(_ dataset: String) -> [Frame] {
        DataReply.missing(DatasetRef(dataset: dataset)).envelope.frames.map { Frame($0) }
    }

    private static func send(_ frames: [Frame], on socket: Socket, logger: Logger) {
        do {
            // A full pipe means the fetcher exceeded its credit; dropping is what it asked for.
            _ = try socket.trySend(frames)
        } catch {
            logger.debug("data reply not sent", metadata: ["error": "\(error)"])
        }
    }
}
