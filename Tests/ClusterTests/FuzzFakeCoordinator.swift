import Cluster
import Datasets
import Foundation
import Folds
import Synchronization
import TestSupport
import Wire
import ZeroMQ

/// A hostile coordinator for the worker fuzz: two ROUTERs (control and data) on tcp://127.0.0.1,
/// on a thread of their own. It sends a real `WorkerService` seeded random and mutated TASK,
/// CANCEL, HEARTBEAT, DISCONNECT and ERROR messages, answers its FETCHes with CHUNKs that are
/// right, wrong (size, offset, length, bytes, another dataset) or MISSING, and volunteers CHUNKs
/// nobody asked for. Then it cancels its tasks, keeps quiet for a while (the worker must not
/// reconnect), and sends one valid TASK whose RESULT must be exactly the local fold.
final class FuzzFakeCoordinator: Sendable {
    struct Configuration: Sendable {
        var seed: UInt64
        var messages: Int
        var batch: Int
        /// The dataset it serves and the fold it finally asks for.
        var dataset: Dataset
        var bytes: [UInt8]
        var hash: String
        var finalTestRows: [Int32]
        /// More datasets it serves (some over several chunks), so that transfers of real
        /// datasets, not only the first, meet mutated CHUNKs.
        var others: [String: [UInt8]] = [:]
    }

    struct Statistics: Sendable {
        var controlSent = 0
        var controlUndelivered = 0
        var chunksSent = 0
        var chunksMutated = 0
        var unsolicitedChunks = 0
        var disconnectsSent = 0
        var received: [String: Int] = [:]
        /// READYs (one per connection the worker opened), in all and during the quiet phase.
        var readys = 0
        var readysWhileQuiet = 0
        /// Pacing markers the worker has reached (it asked for their made-up dataset).
        var markersReached = 0
        var markerTimeouts = 0
        var finalResult: (rows: Int, concepts: Int, scores: [Float])?
        var failure: String?
        var finished = false
    }

    let configuration: Configuration
    let statistics = Mutex(Statistics())
    let endpoints = Mutex<(control: String, data: String)?>(nil)

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    func start() {
        let thread = Thread { [self] in
            do {
                try run()
            } catch {
                statistics.withLock { $0.failure = "\(error)" }
            }
            statistics.withLock { $0.finished = true }
        }
        thread.name = "crossfold.fuzz.fake-coordinator"
        thread.start()
    }

    /// The worker's current routing ids and what the fake has sent.
    private struct Link {
        var control: [UInt8]?
        var data: [UInt8]?
        var tasks: [TaskRef] = []
        /// The dataset named by the latest pacing marker, until the worker asks for it.
        var marker: String?
        /// READYs received: a worker that registers again (after a DISCONNECT, on the same
        /// connection) may have dropped the marker, which then goes again.
        var readys = 0
    }

    private func run() throws {
        let config = configuration
        let context = try Context(blocky: false)
        func router() throws -> Socket {
            let socket = try context.makeSocket(.router)
            try socket.set(.linger, .zero)
            try socket.set(.routerMandatory, true)
            try socket.bind("tcp://127.0.0.1:*")
            return socket
        }
        let control = try router()
        let data = try router()
        defer {
            control.close()
            data.close()
        }
        endpoints.withLock { $0 = ((try? control.lastEndpoint) ?? "", (try? data.lastEndpoint) ?? "") }
        var link = Link()
        var random = FuzzRandom(seed: config.seed)
        let clock = ContinuousClock()

        // Wait for the worker's first READY.
        let deadline = clock.now + .seconds(30)
        while link.control == nil, clock.now < deadline { serve(control, data, &link, &random, mutate: false, wait: .milliseconds(50)) }
        guard link.control != nil else { throw FuzzRigError("the worker never sent READY") }
        send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)

        // The fuzz.
        var sent = 0
        while sent < config.messages {
            for _ in 0..<config.batch where sent < config.messages {
                let frames = controlMessage(&random, &link)
                send(control, link.control, frames, &link)
                sent += 1
            }
            // A heartbeat each round, so the worker hears a valid message whatever the junk was.
            send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)
            pace(control, data, &link, &random, mutate: true)
        }

        // Cancel everything it was given and wait until it has read all of it, then stay quiet
        // (heartbeats, valid chunks) for 6 s: longer than the worker's 5 s silence limit, so a
        // worker that had lost track of its connection would show.
        for ref in link.tasks { send(control, link.control, CoordinatorMessage.cancel(ref).envelope.frames, &link) }
        pace(control, data, &link, &random, mutate: false)
        statistics.withLock { $0.readysWhileQuiet = 0 }
        let quietEnd = clock.now + .seconds(6)
        var beat = clock.now
        while clock.now < quietEnd {
            if clock.now - beat >= .milliseconds(500) {
                send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)
                beat = clock.now
            }
            serve(control, data, &link, &random, mutate: false, wait: .milliseconds(50), quiet: true)
        }

        // One valid task; its result must be the local fold's.
        let assignment = TaskAssignment(
            job: "final", task: 0, attempt: 1, dataset: config.hash, holdout: nil, repeatIndex: 0, fold: 0,
            testRows: config.finalTestRows.count, model: "logistic", params: [:], seed: 7, leaseMilliseconds: 30_000)
        send(control, link.control, CoordinatorMessage.task(assignment, testRows: config.finalTestRows).envelope.frames, &link)
        let finalDeadline = clock.now + .seconds(90)
        while statistics.withLock({ $0.finalResult == nil }), clock.now < finalDeadline {
            if clock.now - beat >= .milliseconds(500) {
                send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)
                beat = clock.now
            }
            serve(control, data, &link, &random, mutate: false, wait: .milliseconds(50), quiet: true)
        }
    }

    /// Sends a marker TASK naming a made-up dataset and serves until the worker asks for that
    /// dataset, or refuses the task (it holds as many as it accepts): it reads its messages in
    /// order, so it has then read everything sent before. On a new connection (the worker dropped
    /// what came on the old one), or after the worker registered again, the marker goes again.
    private func pace(_ control: Socket, _ data: Socket, _ link: inout Link, _ random: inout FuzzRandom, mutate: Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        let marker = randomHash(&random)
        link.marker = marker
        if mutate, let peer = link.data {
            // A CHUNK nobody asked for.
            let chunk = DataReply.Chunk(dataset: randomHash(&random), offset: 0, size: random.pick([64, 1 << 20, 60 << 30, Int.max]))
            _ = try? data.trySend([Frame(peer)] + DataReply.chunk(chunk, bytes: random.bytes(64)).envelope.frames.map { Frame($0) })
            statistics.withLock { $0.unsolicitedChunks += 1 }
        }
        var sentOn: [UInt8]?
        var sentAfter = -1
        var beat = clock.now
        while link.marker != nil, clock.now < deadline {
            // Heartbeats while waiting, as a coordinator sends them whatever else it does.
            if clock.now - beat >= .milliseconds(500) {
                send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)
                beat = clock.now
            }
            if sentOn != link.control || sentAfter != link.readys {
                let task = TaskAssignment(
                    job: "marker-\(marker)", task: 0, attempt: 1, dataset: marker, holdout: nil, repeatIndex: 0, fold: 0, testRows: 0,
                    model: "centroid", params: [:], seed: 1, leaseMilliseconds: 30_000)
                send(control, link.control, CoordinatorMessage.task(task, testRows: []).envelope.frames, &link)
                sentOn = link.control
                sentAfter = link.readys
            }
            serve(control, data, &link, &random, mutate: mutate, wait: .milliseconds(5))
        }
        statistics.withLock { if link.marker == nil { $0.markersReached += 1 } else { $0.markerTimeouts += 1 } }
        link.marker = nil
    }

    private func send(_ socket: Socket, _ peer: [UInt8]?, _ frames: [[UInt8]], _ link: inout Link) {
        guard let peer else { return }
        do {
            if try socket.trySend([Frame(peer)] + frames.map { Frame($0) }) {
                statistics.withLock { $0.controlSent += 1 }
            } else {
                statistics.withLock { $0.controlUndelivered += 1 }
            }
        } catch {
            // The worker replaced its connection (EHOSTUNREACH): the message had nowhere to go.
            statistics.withLock { $0.controlUndelivered += 1 }
        }
    }

    /// Reads both sockets for up to `wait`, answering FETCHes.
    private func serve(
        _ control: Socket, _ data: Socket, _ link: inout Link, _ random: inout FuzzRandom, mutate: Bool, wait: Duration,
        quiet: Bool = false
    ) {
        guard let ready = try? poll([.socket(control), .socket(data)], timeout: wait) else { return }
        if ready[0].contains(.readable) {
            for _ in 0..<10_000 {
                guard let message = try? control.tryReceive(), message.count >= 2 else { break }
                let frames = message.frames.dropFirst().map(\.bytes)
                let command = frames.count > 1 ? String(decoding: frames[1], as: UTF8.self) : "?"
                statistics.withLock { $0.received[command, default: 0] += 1 }
                guard let decoded = try? WorkerMessage.decode(frames) else { continue }
                switch decoded {
                case .ready:
                    link.control = message.frames[0].bytes
                    link.readys += 1
                    statistics.withLock {
                        $0.readys += 1
                        if quiet { $0.readysWhileQuiet += 1 }
                    }
                    // Heard at once, so the worker counts itself registered.
                    send(control, link.control, CoordinatorMessage.heartbeat.envelope.frames, &link)
                case .result(let result, let scores) where result.job == "final":
                    statistics.withLock { $0.finalResult = (result.rows, result.concepts, scores) }
                case .failed(let failure) where link.marker.map { failure.job == "marker-\($0)" } == true:
                    link.marker = nil
                default:
                    break
                }
            }
        }
        if ready[1].contains(.readable) {
            for _ in 0..<10_000 {
                guard let message = try? data.tryReceive(), message.count >= 2 else { break }
                link.data = message.frames[0].bytes
                guard let decoded = try? DataRequest.decode(message.frames.dropFirst().map(\.bytes)) else { continue }
                let request: FetchRequest
                switch decoded {
                case .fetch(let fetch):
                    request = fetch
                case .manifest(let ref):
                    statistics.withLock { $0.received["MANIFEST", default: 0] += 1 }
                    for reply in manifestReplies(to: ref, &random, mutate: mutate) {
                        _ = try? data.trySend([Frame(message.frames[0].bytes)] + reply.map { Frame($0) })
                    }
                    continue
                case .sources(let sources, _, _):
                    statistics.withLock { $0.received["SOURCES", default: 0] += 1 }
                    var frames = FakeDataAnswers.sources(sources).envelope.frames
                    if mutate, random.chance(1, in: 4) { _ = FuzzMessageGenerator.mutateFrames(&frames, using: &random) }
                    _ = try? data.trySend([Frame(message.frames[0].bytes)] + frames.map { Frame($0) })
                    continue
                }
                statistics.withLock { $0.received["FETCH", default: 0] += 1 }
                if request.dataset == link.marker {
                    link.marker = nil
                    _ = try? data.trySend([Frame(message.frames[0].bytes)]
                        + DataReply.missing(DatasetRef(dataset: request.dataset)).envelope.frames.map { Frame($0) })
                    continue
                }
                for reply in dataReplies(to: request, &random, mutate: mutate) {
                    _ = try? data.trySend([Frame(message.frames[0].bytes)] + reply.map { Frame($0) })
                    statistics.withLock { $0.chunksSent += 1 }
                }
            }
        }
    }

    /// The replies to one MANIFEST: the right one, or (when mutating) one claiming another size,
    /// wrong digests, garbled frames, or none.
    private func manifestReplies(to ref: DatasetRef, _ random: inout FuzzRandom, mutate: Bool) -> [[[UInt8]]] {
        guard let bytes = ref.dataset == configuration.hash ? configuration.bytes : configuration.others[ref.dataset] else {
            return [DataReply.missing(ref).envelope.frames]
        }
        let valid = FakeDataAnswers.manifest(ref.dataset, bytes: bytes).envelope.frames
        guard mutate, random.chance(1, in: 3) else { return [valid] }
        switch random.below(4) {
        case 0:
            let size = random.pick([64, bytes.count + 1, 60 << 30])
            let manifest = Manifest(dataset: ref.dataset, size: size, chunkBytes: WireProtocol.chunkBytes)
            return [DataReply.manifest(manifest, digests: random.bytes(manifest.chunkCount * 32)).envelope.frames]
        case 1:
            let manifest = Manifest(dataset: ref.dataset, size: bytes.count, chunkBytes: WireProtocol.chunkBytes)
            return [DataReply.manifest(manifest, digests: random.bytes(manifest.chunkCount * 32)).envelope.frames]
        case 2:
            return []
        default:
            var frames = valid
            _ = FuzzMessageGenerator.mutateFrames(&frames, using: &random)
            return [frames]
        }
    }

    /// The replies to one FETCH: the right CHUNK, or (when mutating) a wrong one, several, or none.
    private func dataReplies(to request: FetchRequest, _ random: inout FuzzRandom, mutate: Bool) -> [[[UInt8]]] {
        guard let bytes = request.dataset == configuration.hash ? configuration.bytes : configuration.others[request.dataset] else {
            if !mutate || random.chance(1, in: 2) { return [DataReply.missing(DatasetRef(dataset: request.dataset)).envelope.frames] }
            let size = random.pick([64, 1 << 20, (1 << 20) + 7, 60 << 30, Int.max])
            let length = min(request.length, max(0, min(size, 1 << 20) - request.offset))
            return [DataReply.chunk(.init(dataset: request.dataset, offset: request.offset, size: size),
                                    bytes: random.bytes(max(0, length))).envelope.frames]
        }
        let end = min(bytes.count, request.offset + request.length)
        let valid = request.offset <= bytes.count
            ? DataReply.chunk(.init(dataset: request.dataset, offset: request.offset, size: bytes.count),
                              bytes: Array(bytes[request.offset..<end])).envelope.frames
            : DataReply.missing(DatasetRef(dataset: request.dataset)).envelope.frames
        guard mutate, random.chance(1, in: 3) else { return [valid] }
        statistics.withLock { $0.chunksMutated += 1 }
        var chunk = DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: bytes.count)
        var payload = request.offset <= bytes.count ? Array(bytes[request.offset..<end]) : []
        switch random.below(9) {
        case 0: chunk.size = random.pick([bytes.count - 1, bytes.count + 1, 63, 0, 60 << 30, Int.max])
        case 1: chunk.offset = random.pick([request.offset + 1, request.offset + (1 << 20), bytes.count, Int.max - 1])
        case 2: payload.removeLast(min(payload.count, 1 + random.below(16)))
        case 3: payload += random.bytes(1 + random.below(16))
        case 4 where !payload.isEmpty: payload[random.below(payload.count)] ^= 0x40
        case 5: return [DataReply.missing(DatasetRef(dataset: request.dataset)).envelope.frames]
        case 6: return [valid, valid]
        case 7: return []
        default:
            var frames = valid
            _ = FuzzMessageGenerator.mutateFrames(&frames, using: &random)
            return [frames]
        }
        return [DataReply.chunk(chunk, bytes: payload).envelope.frames]
    }

    func randomHash(_ random: inout FuzzRandom) -> String {
        (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
    }

    /// One control message: mostly TASKs (valid, with bad rows, unknown datasets, odd models and
    /// leases), CANCELs, heartbeats, ERRORs and now and then a DISCONNECT, a third of them mutated.
    private func controlMessage(_ random: inout FuzzRandom, _ link: inout Link) -> [[UInt8]] {
        let config = configuration
        var frames: [[UInt8]]
        switch random.below(20) {
        case 0...8:
            let rows = config.dataset.rowCount
            var testRows = config.finalTestRows
            switch random.below(8) {
            case 0: testRows = testRows.reversed()
            case 1: testRows += [testRows.last ?? 0]
            case 2: testRows.append(Int32(rows))
            case 3: testRows.insert(-1, at: 0)
            case 4: testRows = (0..<Int32(rows)).map { $0 }
            case 5: testRows = []
            default: break
            }
            let task = TaskAssignment(
                job: random.pick(["job-a", "job-b", String(random.next(), radix: 16)]), task: random.int(in: -2...20),
                attempt: random.int(in: -1...4),
                dataset: random.chance(1, in: 3) ? config.hash
                    : random.chance(1, in: 2) && !config.others.isEmpty ? config.others.keys.sorted()[random.below(config.others.count)]
                    : randomHash(&random),
                holdout: random.chance(1, in: 10) ? random.pick([config.hash, randomHash(&random)]) : nil,
                repeatIndex: random.int(in: -1...3), fold: random.int(in: -1...9), testRows: testRows.count,
                // Mostly cheap or refused models: the worker computes every valid task it is given.
                model: random.chance(1, in: 20) ? "logistic" : random.pick(["centroid", "centroid", "knn", "nope", ""]),
                params: random.chance(1, in: 4) ? [random.pick(["k", "l2", "iterations", "x"]): random.pick(["0", "-1", "1e308", "abc", "3"])] : [:],
                seed: random.next(), leaseMilliseconds: random.pick([1, 30_000, Int.max]))
            link.tasks.append(TaskRef(job: task.job, task: task.task, attempt: task.attempt))
            frames = CoordinatorMessage.task(task, testRows: testRows).envelope.frames
        case 9...11:
            let ref = !link.tasks.isEmpty && random.chance(1, in: 2)
                ? link.tasks[random.below(link.tasks.count)] : TaskRef(job: "nope", task: random.int(in: -1...5), attempt: 1)
            frames = CoordinatorMessage.cancel(ref).envelope.frames
        case 12...15:
            frames = CoordinatorMessage.heartbeat.envelope.frames
        case 16, 17:
            frames = CoordinatorMessage.error(ErrorReply(
                code: random.pick(["unsupported-version", "usage", "", "x"]), message: FuzzValues.string(using: &random))).envelope.frames
        case 18 where random.chance(1, in: 25):
            frames = CoordinatorMessage.disconnect(Reason(reason: "fuzz")).envelope.frames
        default:
            frames = FuzzMessageGenerator.randomFrames(using: &random)
        }
        if random.chance(1, in: 3) {
            switch random.below(3) {
            case 0:
                _ = FuzzMessageGenerator.mutateFrames(&frames, using: &random)
            case 1 where frames.count > 2:
                frames[2] = ByteMutator(tokens: FuzzMessageGenerator.jsonTokens).mutate(frames[2], rounds: 1 + random.below(3), using: &random).bytes
            default:
                if frames.count > 2 { frames[2] = FuzzMessageGenerator.oddHeader(using: &random) }
            }
        }
        // Counted as the worker will read it: a mutation can make a DISCONNECT of anything.
        if case .disconnect? = try? CoordinatorMessage.decode(frames) { statistics.withLock { $0.disconnectsSent += 1 } }
        return frames.isEmpty ? [[]] : frames
    }
}
