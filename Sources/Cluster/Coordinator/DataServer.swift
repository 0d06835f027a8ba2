import Logging
import Wire
import ZeroMQ

/// Answers FETCH requests on the data socket, on the reactor thread: each CHUNK's payload is a
/// zero-copy slice of the registered dataset's pinned bytes.
enum DataServer {
    static func serve(_ socket: Socket, registry: DatasetRegistry, logger: Logger) {
        for _ in 0..<64 {
            guard let message = try? socket.tryReceive(), message.count >= 2 else { return }
            let peer = message.frames[0]
            let request: FetchRequest
            do {
                request = try FetchRequest.decode(message.frames.dropFirst().map(\.bytes))
            } catch {
                logger.warning("dropped a malformed data request", metadata: ["error": "\(error)"])
                continue
            }
            let reply: [Frame]
            if let entry = registry.entry(request.dataset), request.offset <= entry.bytes.count {
                let end = min(entry.bytes.count, request.offset + request.length)
                let header = DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: entry.bytes.count)
                let envelope = Envelope(command: "CHUNK", header: header)
                reply = [peer] + envelope.frames.map { Frame($0) }
                    + [Frame(zeroCopy: entry.bytes, range: request.offset..<end)]
            } else {
                reply = [peer] + DataReply.missing(DatasetRef(dataset: request.dataset)).envelope.frames.map { Frame($0) }
            }
            do {
                // A full pipe means the fetcher exceeded its credit; dropping is what it asked for.
                _ = try socket.trySend(reply)
            } catch {
                logger.debug("chunk not sent", metadata: ["error": "\(error)"])
            }
        }
    }
}
