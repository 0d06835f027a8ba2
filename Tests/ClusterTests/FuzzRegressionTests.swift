import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// Inputs the fuzz tests found breaking the coordinator, each pinned down on its own.
@Suite struct FuzzRegressionTests {
    static func core() throws -> (DrivenCore, String) {
        let iris = try WorkerExamples.iris()
        let registry = DatasetRegistry()
        registry.register(hash: iris.hash, bytes: iris.bytes, dataset: iris.dataset)
        return (DrivenCore(registry: registry, software: "fuzz"), iris.hash)
    }

    static func refusal(_ outputs: [CoordinatorOutput]) -> ErrorReply? {
        outputs.lazy.compactMap { if case .toClient(_, .error(let reply)) = $0 { reply } else { nil } }.first
    }

    /// SUBMIT with repeats of a million stalled the event loop building a 150-million-entry plan;
    /// a billion would have exhausted memory. Such specs are refused before any plan is built.
    @Test(.timeLimit(.minutes(1)), arguments: [
        (5, 1_000_000), (5, 1_000_000_000), (2, Int.max), (Int.max, 2), (3, 40_000), (2, 1_789_570),
    ])
    func submissionsTooLargeToPlanAreRefusedAtOnce(folds: Int, repeats: Int) throws {
        let (core, hash) = try Self.core()
        let spec = JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "stratified", folds: folds, repeats: repeats,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let clock = ContinuousClock()
        let started = clock.now
        let reply = Self.refusal(core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero))
        #expect(clock.now - started < .seconds(1))
        #expect(reply?.code == "usage", "\(String(describing: reply))")
        // The most tasks memory holds, or (past what can be counted) fewer folds or repeats.
        #expect(reply?.message.contains("at most") == true || reply?.message.contains("use fewer folds or repeats") == true,
                "\(String(describing: reply))")
    }

    @Test func jobsUpToTheLimitAreAccepted() throws {
        let (core, hash) = try Self.core()
        // Iris has 3 concepts; the driven core may use JobLimits.defaultMemoryBytes.
        let most = (JobLimits.defaultMemoryBytes / 2) / JobLimits.coordinatorBytesPerTask(concepts: 3)
        #expect(JobLimits.refusal(folds: 10, repeats: most / 10, rows: 150) == nil)
        #expect(JobLimits.memoryRefusal(tasks: most, concepts: 3, memoryBytes: JobLimits.defaultMemoryBytes) == nil)
        #expect(JobLimits.memoryRefusal(tasks: most + 1, concepts: 3, memoryBytes: JobLimits.defaultMemoryBytes) != nil)
        // Submitted for real at the limit.
        let spec = JobSpec(dataset: hash, datasetName: "iris.jsonl", split: "random", folds: 10, repeats: most / 10,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let outputs = core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero)
        #expect(outputs.contains { if case .toClient(_, .submitted) = $0 { true } else { false } })
    }

    /// UPLOADs starting under ever new names each left a buffer behind: 600 of them with a 1 MiB
    /// first chunk held 600 MiB (70,000 one-byte ones, 290 MiB). A few uploads are kept under way;
    /// a new one beyond them replaces the one idle longest, whose client restarts from what it is
    /// told.
    @Test(.timeLimit(.minutes(1)))
    func uploadsUnderWayAreBoundedWhateverTheNumberOfNamesSent() throws {
        let (core, _) = try Self.core()
        var random = FuzzRandom(seed: 42)
        let chunk = random.bytes(1 << 20)
        let before = FuzzProcess.residentBytes
        var acknowledged = 0
        for index in 0..<600 {
            let name = (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
            let upload = ClientRequest.Upload(request: "u\(index)", dataset: name, offset: 0, size: 8 << 20)
            let outputs = core.handle(.client(PeerID([2]), .upload(upload, bytes: chunk)), now: .milliseconds(index))
            if outputs.contains(where: { if case .toClient(_, .uploadAck(let ack)) = $0 { ack.received == 1 << 20 } else { false } }) {
                acknowledged += 1
            }
        }
        #expect(acknowledged == 600)
        #expect(FuzzProcess.residentBytes - before < 128 << 20, "RSS grew \((FuzzProcess.residentBytes - before) >> 20) MiB")
    }

    /// A chunk of an upload the coordinator does not hold, past offset 0, is answered with
    /// `received: 0` (start again) and leaves nothing behind.
    @Test func aLateChunkOfAnUnknownUploadIsToldToStartAgain() throws {
        let (core, _) = try Self.core()
        let name = String(repeating: "ab", count: 32)
        let upload = ClientRequest.Upload(request: "late", dataset: name, offset: 1 << 20, size: 4 << 20)
        let outputs = core.handle(.client(PeerID([3]), .upload(upload, bytes: [1, 2, 3])), now: .zero)
        let acks = outputs.compactMap { if case .toClient(_, .uploadAck(let ack)) = $0 { ack } else { nil } }
        #expect(acks.map(\.received) == [0] && acks.map(\.complete) == [false])
    }

    /// An upload evicted for newer ones resumes from zero and still completes.
    @Test func anEvictedUploadStartsAgainAndCompletes() throws {
        let (core, _) = try Self.core()
        let small = CanonicalDataset.encode(GaussianClusters.make(rows: 20, features: 2, concepts: 2, seed: 9))
        let hash = SHA256Hasher.hash(small)
        let half = small.count / 2
        func send(_ offset: Int, _ bytes: ArraySlice<UInt8>, request: String) -> [CoordinatorOutput] {
            core.handle(.client(PeerID([4]), .upload(.init(request: request, dataset: hash, offset: offset, size: small.count),
                                                     bytes: Array(bytes))), now: .seconds(1))
        }
        _ = send(0, small[..<half], request: "a")
        var random = FuzzRandom(seed: 7)
        for index in 0..<64 {
            let name = (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
            _ = core.handle(.client(PeerID([5]), .upload(.init(request: "x\(index)", dataset: name, offset: 0, size: 100),
                                                         bytes: [1])), now: .seconds(2))
        }
        let resumed = send(half, small[half...], request: "b")
        let acks = resumed.compactMap { if case .toClient(_, .uploadAck(let ack)) = $0 { ack } else { nil } }
        #expect(acks.map(\.received) == [0], "the evicted upload is told to start again")
        let outputs = send(0, small[...], request: "c")
        #expect(outputs.contains { if case .toClient(_, .uploadAck(let ack)) = $0 { ack.complete } else { false } })
    }

    /// The worker fuzz's fake coordinator answered a FETCH with a CHUNK claiming 60 GiB; the
    /// worker allocated a buffer of the claimed size at once and crashed ("failed to allocate
    /// 64424509472 bytes"). Chunks now go to a file as they arrive; nothing is allocated for the
    /// claim (now made by the manifest).
    @Test func aChunkClaimingAHugeDatasetAllocatesOnlyWhatArrives() {
        var worker = WorkerHarness(slots: 1)
        worker.register()
        let hash = fakeHash("c")
        worker.task(0, dataset: hash)
        worker.send(.datasetResolved(hash, nil))
        let manifest = Manifest(dataset: hash, size: 60 << 30, chunkBytes: 1 << 20)
        worker.fromData(.manifest(manifest, digests: [UInt8](repeating: 0, count: manifest.chunkCount * 32)))
        let fetches = worker.sources(hash, chunks: manifest.chunkCount, peers: [], assigned: .all(manifest.chunkCount)).fetches
        #expect(fetches.first?.offset == 0)
        let before = FuzzProcess.residentBytes
        let outputs = worker.fromData(.chunk(.init(dataset: hash, offset: 0, size: 60 << 30), bytes: [UInt8](repeating: 7, count: 1 << 20)))
        #expect(FuzzProcess.residentBytes - before < 64 << 20)
        #expect(outputs.contains { if case .writeChunk(hash, 60 << 30, 0, _) = $0 { true } else { false } })
        // Once the chunk is written, the transfer goes on, asking for the next chunks of what it was told.
        let more = worker.send(.chunkWritten(hash, offset: 0))
        #expect(more.fetches.map(\.offset).contains(8 << 20))
    }

    /// A coordinator may give a worker one task per slot (two for short tasks). A flood of TASKs (10,000 here, each
    /// naming a dataset of its own) was held without limit: every one waited, and every one had
    /// its dataset looked up on a thread of its own. Beyond a few per slot they are now refused
    /// with FAILED kind internal, which the coordinator retries elsewhere.
    @Test func aFloodOfTasksIsRefusedBeyondWhatTheSlotsCanHold() {
        var worker = WorkerHarness(slots: 2)
        worker.register()
        var lookups = 0
        var refused = 0
        for number in 0..<10_000 {
            let hash = String(number, radix: 16).leftPadded(64)
            let outputs = worker.task(number, dataset: hash)
            lookups += outputs.filter { if case .resolveDataset = $0 { true } else { false } }.count
            refused += outputs.sent.filter { if case .failed(let failure) = $0 { failure.kind == .internal } else { false } }.count
        }
        #expect(lookups <= 24 && worker.core.status.waiting <= 24, "\(lookups) lookups, \(worker.core.status.waiting) waiting")
        #expect(refused == 10_000 - lookups)
    }

    /// A RESULTS_REPLY whose header claims 2^63 - 1 repeats crashed the client decoding it
    /// (arithmetic overflow counting the frames it should have); it is now refused as malformed.
    @Test(arguments: [Int.max, Int.max / 2 + 1, 68, -1])
    func aResultsReplyClaimingAbsurdRepeatsIsRefused(repeats: Int) {
        let header = "{\"concept_ids\":[\"a\"],\"job\":\"j\",\"repeats\":\(repeats),\"request\":\"r\",\"rows\":1,\"state\":\"completed\"}"
        let frames = [Array(WireProtocol.tag.utf8), Array("RESULTS_REPLY".utf8), Array(header.utf8), Array("{}".utf8)]
        #expect(throws: WireError.self) { try ClientReply.decode(frames) }
    }
}
