import Foundation
import Testing
import Wire

private let hashA = String(repeating: "ab", count: 32)
private let hashB = String(repeating: "0f", count: 32)

@Suite struct MessageRoundTripTests {
    @Test func workerMessagesRoundTrip() throws {
        let messages: [WorkerMessage] = [
            .ready(.init(name: "host-1/42", slots: 2, threads: 1, cached: [hashA], software: "crossfold 0.1.0")),
            .heartbeat,
            .progress(TaskRef(job: "job1", task: 4, attempt: 1)),
            .result(.init(job: "job1", task: 4, attempt: 1, rows: 2, concepts: 3, seconds: 0.5),
                    scores: [0.1, 0.2, 0.7, 1, 0, 0.5]),
            .failed(.init(job: "job1", task: 4, attempt: 2, kind: .learner, message: "bad param")),
            .have(DatasetRef(dataset: hashB)),
            .disconnect(Reason(reason: "SIGTERM")),
            .ready(.init(name: "w", slots: 1, threads: 1, cached: [], software: "x", peerEndpoint: "tcp://10.1.2.3:5558")),
        ]
        for message in messages {
            #expect(try WorkerMessage.decode(message.envelope.frames) == message)
        }
    }

    @Test func coordinatorMessagesRoundTrip() throws {
        let assignment = TaskAssignment(
            job: "job1", task: 0, attempt: 1, dataset: hashA, holdout: nil, repeatIndex: 1, fold: 3, testRows: 3,
            model: "knn", params: ["k": "5"], seed: 9, leaseMilliseconds: 30_000)
        let summed = TaskAssignment(
            job: "job1", task: 1, attempt: 1, dataset: hashA, holdout: nil, repeatIndex: 0, fold: 1, testRows: 1,
            model: "centroid", params: [:], seed: 9, leaseMilliseconds: 30_000, partitionFolds: 2, rowFolds: [0, 1, 0])
        let messages: [CoordinatorMessage] = [
            .heartbeat,
            .task(assignment, testRows: [1, 5, 9]),
            .task(summed, testRows: [1]),
            .cancel(TaskRef(job: "job1", task: 0, attempt: 1)),
            .disconnect(Reason(reason: "unknown worker")),
            .error(ErrorReply(code: "unsupported-version", message: "upgrade")),
            .admit(Admit(keys: [String(repeating: "x", count: 40)])),
        ]
        for message in messages {
            #expect(try CoordinatorMessage.decode(message.envelope.frames) == message)
        }
    }

    /// The row folds travel as a second frame, announced by the header's fold count.
    @Test func aTaskWhoseRowFoldsDoNotMatchItsHeaderIsRefused() throws {
        let summed = TaskAssignment(
            job: "job1", task: 1, attempt: 1, dataset: hashA, holdout: nil, repeatIndex: 0, fold: 1, testRows: 1,
            model: "centroid", params: [:], seed: 9, leaseMilliseconds: 30_000, partitionFolds: 2, rowFolds: [0, 1, 0])
        let frames = CoordinatorMessage.task(summed, testRows: [1]).envelope.frames
        #expect(throws: WireError.self) { try CoordinatorMessage.decode(Array(frames.dropLast())) }
        var plain = summed
        plain.partitionFolds = nil
        plain.rowFolds = nil
        var extra = CoordinatorMessage.task(plain, testRows: [1]).envelope.frames
        extra.append([0, 1, 0])
        #expect(throws: WireError.self) { try CoordinatorMessage.decode(extra) }
        var tooMany = summed
        tooMany.partitionFolds = 300
        #expect(throws: WireError.self) {
            try CoordinatorMessage.decode(CoordinatorMessage.task(tooMany, testRows: [1]).envelope.frames)
        }
    }

    @Test func dataMessagesRoundTrip() throws {
        let fetch = FetchRequest(dataset: hashA, offset: 1 << 20, length: 1 << 20)
        #expect(try FetchRequest.decode(fetch.envelope.frames) == fetch)
        let chunk = DataReply.chunk(.init(dataset: hashA, offset: 0, size: 10), bytes: [1, 2, 3])
        #expect(try DataReply.decode(chunk.envelope.frames) == chunk)
        let missing = DataReply.missing(DatasetRef(dataset: hashB))
        #expect(try DataReply.decode(missing.envelope.frames) == missing)
    }

    @Test func peerDistributionMessagesRoundTrip() throws {
        var held = ChunkSet(count: 11)
        held.insert(0)
        held.insert(10)
        let requests: [DataRequest] = [
            .fetch(FetchRequest(dataset: hashA, offset: 0, length: 100)),
            .manifest(DatasetRef(dataset: hashA)),
            .sources(SourcesRequest(dataset: hashA, chunks: 11, endpoint: "tcp://h1:5558", excluded: ["tcp://h2:5558"]), held: held, claimed: ChunkSet(count: 11)),
            .sources(SourcesRequest(dataset: hashA, chunks: 11, endpoint: nil), held: ChunkSet(count: 11), claimed: held),
        ]
        for request in requests {
            #expect(try DataRequest.decode(request.envelope.frames) == request)
        }
        let replies: [DataReply] = [
            .manifest(Manifest(dataset: hashA, size: 250, chunkBytes: 100), digests: [UInt8](repeating: 9, count: 96)),
            .sources(Sources(dataset: hashA, chunks: 11, peers: [.init(endpoint: "tcp://h1:5558", publicKey: String(repeating: "k", count: 40))]),
                     assigned: held, held: [.all(11)]),
            .declined(Declined(dataset: hashA, offset: 100, reason: .busy)),
        ]
        for reply in replies {
            #expect(try DataReply.decode(reply.envelope.frames) == reply)
        }
    }

    @Test func peerDistributionMessagesThatDoNotAddUpAreRefused() {
        // Digests for another number of chunks, a bitmap of the wrong length, an endpoint that is not tcp://HOST:PORT.
        let manifest = DataReply.manifest(Manifest(dataset: hashA, size: 250, chunkBytes: 100), digests: [UInt8](repeating: 9, count: 64))
        #expect(throws: WireError.self) { try DataReply.decode(manifest.envelope.frames) }
        var frames = DataRequest.sources(SourcesRequest(dataset: hashA, chunks: 11, endpoint: nil), held: ChunkSet(count: 11), claimed: ChunkSet(count: 11)).envelope.frames
        frames[3] = [0]
        #expect(throws: WireError.self) { try DataRequest.decode(frames) }
        let bad = DataRequest.sources(SourcesRequest(dataset: hashA, chunks: 11, endpoint: "tcp://*:5558"), held: ChunkSet(count: 11), claimed: ChunkSet(count: 11))
        #expect(throws: WireError.self) { try DataRequest.decode(bad.envelope.frames) }
        let ready = WorkerMessage.ready(.init(name: "w", slots: 1, threads: 1, cached: [], software: "x", peerEndpoint: "udp://h:1"))
        #expect(throws: WireError.self) { try WorkerMessage.decode(ready.envelope.frames) }
    }

    @Test func aChunkSetIgnoresBitsPastItsCount() {
        let set = ChunkSet(bytes: [0xFF, 0xFF], count: 11)
        #expect(set?.members == 11 && set?.isComplete == true)
        #expect(ChunkSet(bytes: [0xFF], count: 11) == nil)
    }

    @Test func clientMessagesRoundTrip() throws {
        let spec = JobSpec(
            dataset: hashA, datasetName: "digits.csv", split: "stratified", folds: 5, repeats: 2, seed: 7,
            model: "logistic", params: ["C": "0.5"], threshold: 0.5)
        let requests: [ClientRequest] = [
            .info(.init(request: "r0")),
            .has(request: "r1", dataset: hashA),
            .upload(.init(request: "r2", dataset: hashA, offset: 0, size: 4), bytes: [1, 2, 3, 4]),
            .submit(request: "r3", spec: spec),
            .jobs(.init(request: "r4")),
            .status(request: "r5", job: "j"),
            .cancel(request: "r6", job: "j"),
            .results(request: "r7", job: "j", predictions: true),
        ]
        for request in requests {
            #expect(try ClientRequest.decode(request.envelope.frames) == request)
        }
        let status = JobStatus(
            job: "j", state: .running, datasetName: "digits.csv", model: "logistic", tasksTotal: 10, tasksDone: 4,
            tasksRunning: 2, attemptsLost: 1, workers: 2, workersBusy: 2, elapsedSeconds: 3.5, etaSeconds: 5)
        let replies: [ClientReply] = [
            .info(.init(request: "r0", software: "crossfold", workers: 2, slots: 4, jobs: 1)),
            .has(request: "r1", dataset: hashA, present: false),
            .uploadAck(.init(request: "r2", dataset: hashA, received: 4, complete: true)),
            .submitted(request: "r3", job: "j"),
            .jobs(request: "r4", jobs: [status]),
            .status(request: "r5", status: status),
            .cancelled(request: "r6", job: "j"),
            .results(.init(request: "r7", job: "j", state: .completed, rows: 2, conceptIds: ["a", "b"], repeats: 1),
                     metrics: Array("{}".utf8), inputIDs: ["x", "y"],
                     predictions: [(folds: [0, 1], scores: [0.1, 0.9, 0.8, 0.2])]),
            .results(.init(request: "r9", job: "j", state: .completed, rows: 2, conceptIds: ["a", "b"], repeats: 0),
                     metrics: Array("{}".utf8), inputIDs: [], predictions: []),
            .error(ErrorReply(request: "r8", code: "unknown-job", message: "no job j")),
        ]
        var info = ClientReply.ClusterInfo(request: "r10", software: "crossfold", workers: 1, slots: 2, jobs: 0)
        info.memoryBytes = 24 << 30
        for reply in replies + [.info(info)] {
            #expect(try ClientReply.decode(reply.envelope.frames) == reply)
        }
    }

    /// A result of many concepts: its metrics JSON outgrows a frame and is split over several.
    @Test func largeMetricsTravelOverSeveralFrames() async throws {
        // 64 MiB copied a few times: on a thread of its own, not the cooperative pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try Self.largeMetrics() }) }.start()
        }
    }

    private static func largeMetrics() throws {
        var metrics = [UInt8](repeating: 7, count: ClientReply.metricsFrameBytes + 3)
        for index in [0, ClientReply.metricsFrameBytes - 1, ClientReply.metricsFrameBytes, metrics.count - 1] { metrics[index] = UInt8(index % 251) }
        let header = ClientReply.ResultsHeader(request: "r", job: "j", state: .completed, rows: 2, conceptIds: ["a", "b"], repeats: 1)
        let reply = ClientReply.results(header, metrics: metrics, inputIDs: ["x", "y"],
                                        predictions: [(folds: [0, 1], scores: [0.1, 0.9, 0.8, 0.2])])
        let frames = reply.envelope.frames
        #expect(frames.count == ClientReply.results(header, metrics: [1], inputIDs: ["x", "y"],
                                                    predictions: [(folds: [0, 1], scores: [0.1, 0.9, 0.8, 0.2])]).envelope.frames.count + 1)
        #expect(frames.allSatisfy { $0.count <= ClientReply.metricsFrameBytes })
        guard case .results(let decoded, let back, let ids, let predictions) = try ClientReply.decode(frames) else {
            Issue.record("not a RESULTS_REPLY")
            return
        }
        #expect(back == metrics && ids == ["x", "y"] && predictions.count == 1 && decoded.metricsFrames == nil)
        // A header that claims no frame, or more than a reply may hold, is refused.
        for claimed in [0, ClientReply.maxMetricsFrames + 1] {
            var bad = header
            bad.repeats = 0
            bad.metricsFrames = claimed
            let envelope = Envelope(command: "RESULTS_REPLY", header: bad, payload: [Array("{}".utf8)])
            #expect(throws: WireError.self) { try ClientReply.decode(envelope.frames) }
        }
    }

    @Test func resultScoresMustMatchTheDeclaredShape() throws {
        var frames = WorkerMessage.result(
            .init(job: "j", task: 0, attempt: 1, rows: 2, concepts: 2, seconds: 1), scores: [0, 0, 0, 0]
        ).envelope.frames
        frames[3].removeLast()
        let error = try #require(throws: WireError.self) { try WorkerMessage.decode(frames) }
        #expect(error.kind == .malformed)
        #expect(error.message.contains("expected 16 bytes, got 15"))
    }

    @Test func commandsAreCheckedPerSocket() throws {
        let heartbeatFromCoordinator = CoordinatorMessage.cancel(TaskRef(job: "j", task: 0, attempt: 1)).envelope.frames
        let error = try #require(throws: WireError.self) { try WorkerMessage.decode(heartbeatFromCoordinator) }
        #expect(error.kind == .unknownCommand)
        #expect(throws: WireError.self) { try FetchRequest.decode(WorkerMessage.heartbeat.envelope.frames) }
    }

    @Test func rejectsOutOfRangeHeaders() {
        let badFetch = Envelope(command: "FETCH", header: FetchRequest(dataset: hashA, offset: -1, length: 10))
        #expect(throws: WireError.self) { try FetchRequest.decode(badFetch.frames) }
        let hugeFetch = Envelope(command: "FETCH", header: FetchRequest(dataset: hashA, offset: 0, length: 1 << 30))
        #expect(throws: WireError.self) { try FetchRequest.decode(hugeFetch.frames) }
        let badReady = WorkerMessage.ready(.init(name: "w", slots: 0, threads: 1, cached: [], software: "x"))
        #expect(throws: WireError.self) { try WorkerMessage.decode(badReady.envelope.frames) }
        let badHash = WorkerMessage.have(DatasetRef(dataset: "not-a-hash"))
        #expect(throws: WireError.self) { try WorkerMessage.decode(badHash.envelope.frames) }
        let wrongTypes = Envelope(command: "PROGRESS", header: Data(#"{"job":1,"task":"x","attempt":1}"#.utf8))
        #expect(throws: WireError.self) { try WorkerMessage.decode(wrongTypes.frames) }
    }
}
