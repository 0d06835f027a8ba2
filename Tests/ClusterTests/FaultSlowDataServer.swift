import Foundation
import Synchronization
import Wire
import ZeroMQ

/// A data socket that serves one dataset's chunks slowly (one CHUNK every `delay`, on a thread of
/// its own), so a worker fetching from it is certainly mid-transfer for a measurable time.
final class FaultSlowDataServer: Sendable {
    let hash: String
    let bytes: [UInt8]
    let delay: Duration
    let endpoint = Mutex<String?>(nil)
    /// Chunks served so far.
    let served = Mutex(0)
    private let stopping = Mutex(false)
    private let stopped = Mutex(false)

    init(hash: String, bytes: [UInt8], delay: Duration) {
        self.hash = hash
        self.bytes = bytes
        self.delay = delay
        let thread = Thread { [self] in
            run()
            stopped.withLock { $0 = true }
        }
        thread.name = "crossfold.fault.slow-data"
        thread.start()
    }

    var chunkCount: Int { (bytes.count + WireProtocol.chunkBytes - 1) / WireProtocol.chunkBytes }

    func stop() {
        stopping.withLock { $0 = true }
        while !stopped.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    private func run() {
        guard let context = try? Context(blocky: false), let socket = try? context.makeSocket(.router) else { return }
        defer { socket.close() }
        try? socket.set(.linger, .zero)
        guard (try? socket.bind("tcp://127.0.0.1:*")) != nil else { return }
        endpoint.withLock { $0 = try? socket.lastEndpoint }
        while !stopping.withLock({ $0 }) {
            guard let ready = try? poll([.socket(socket)], timeout: .milliseconds(20)), ready[0].contains(.readable),
                  let message = try? socket.tryReceive(), message.count >= 2,
                  let decoded = try? DataRequest.decode(message.frames.dropFirst().map(\.bytes))
            else { continue }
            let request: FetchRequest
            switch decoded {
            case .fetch(let fetch):
                request = fetch
            case .manifest(let ref):
                let reply = ref.dataset == hash ? FakeDataAnswers.manifest(hash, bytes: bytes) : .missing(ref)
                _ = try? socket.trySend([Frame(message.frames[0].bytes)] + reply.envelope.frames.map { Frame($0) })
                continue
            case .sources(let sources, _, _):
                _ = try? socket.trySend([Frame(message.frames[0].bytes)] + FakeDataAnswers.sources(sources).envelope.frames.map { Frame($0) })
                continue
            }
            Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
            let reply: DataReply
            if request.dataset == hash, request.offset <= bytes.count {
                let end = min(bytes.count, request.offset + request.length)
                reply = .chunk(.init(dataset: hash, offset: request.offset, size: bytes.count), bytes: Array(bytes[request.offset..<end]))
            } else {
                reply = .missing(DatasetRef(dataset: request.dataset))
            }
            _ = try? socket.trySend([Frame(message.frames[0].bytes)] + reply.envelope.frames.map { Frame($0) })
            served.withLock { $0 += 1 }
        }
    }
}
