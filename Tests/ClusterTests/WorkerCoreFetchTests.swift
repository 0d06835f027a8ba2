import Cluster
import Datasets
import Testing
import Wire

private let hash = fakeHash("d")

/// Serves FETCH requests from `blob` as the coordinator's data socket (or a peer) would.
private func reply(_ request: FetchRequest, from blob: [UInt8]) -> DataReply {
    let end = min(blob.count, request.offset + request.length)
    return .chunk(DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: blob.count),
                  bytes: Array(blob[request.offset..<end]))
}

private func blob(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
}

private func set(_ count: Int, _ members: [Int]) -> ChunkSet {
    var set = ChunkSet(count: count)
    for index in members { set.insert(index) }
    return set
}

@Suite struct WorkerCoreFetchTests {
    @Test func fetchesWithACreditWindowAndOneNewRequestPerChunk() {
        var h = WorkerHarness(slots: 2, credit: 3)
        h.register()
        h.task(0, dataset: hash)
        h.task(1, dataset: hash)
        let data = blob(1_050)
        // MANIFEST, then SOURCES, then `credit` chunks of the manifest's size at a time.
        var pending = h.startFetch(hash, blob: data, chunkBytes: 100).fetches
        #expect(pending.map(\.offset) == [0, 100, 200])
        #expect(pending.allSatisfy { $0.length == 100 })
        var maxOutstanding = 0
        var asked: [Int] = []
        var finished: [String] = []
        while let request = pending.first {
            pending.removeFirst()
            asked.append(request.offset)
            let out = h.fromDataWriting(reply(request, from: data))
            pending += out.fetches
            finished += out.finished
            maxOutstanding = max(maxOutstanding, pending.count)
            if !pending.isEmpty { #expect(out.fetches.count <= 3) }
        }
        #expect(asked == stride(from: 0, to: 1_050, by: 100).map { $0 })
        #expect(maxOutstanding == 3)
        #expect(finished == [hash] && h.files[hash] == data)
        #expect(h.core.status.fetching == 0)
        // Verified and open: both tasks start and the coordinator hears HAVE.
        let done = h.send(.datasetStored(hash, .stored(evicted: [])))
        #expect(done.started.map(\.task) == [0, 1])
        #expect(done.sent.contains(.have(DatasetRef(dataset: hash))))
        #expect(done.logs.contains("dataset verified and open; caching it in the background"))
    }

    @Test func aChunkNotYetWrittenHoldsItsCredit() {
        var h = WorkerHarness(credit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let first = h.startFetch(hash, blob: data, chunkBytes: 100).fetches
        #expect(first.map(\.offset) == [0, 100])
        // The first chunk arrives; until it is written, nothing more is asked for (a slow disk
        // slows the transfer instead of filling memory).
        let arrived = h.fromData(reply(first[0], from: data))
        #expect(arrived.writes.map(\.2) == [0])
        #expect(arrived.fetches.isEmpty)
        let written = h.send(.chunkWritten(hash, offset: 0))
        #expect(written.fetches.map(\.offset) == [200])
        // A write that fails fails the fetch, drops its file and fails the waiting task.
        let failed = h.send(.chunkWriteFailed(hash, reason: "No space left on device"))
        #expect(failed.contains(.abandonFetch(hash)))
        #expect(failed.failures.map(\.kind) == [.dataset])
    }

    @Test func resumesFromTheMissingChunksOnANewConnection() {
        var h = WorkerHarness(credit: 4)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let window = h.startFetch(hash, blob: data, chunkBytes: 100).fetches
        #expect(window.map(\.offset) == [0, 100, 200, 300])
        // Chunks 0 and 200 arrive, then the connection is replaced (DISCONNECT).
        h.fromDataWriting(reply(window[0], from: data))
        h.fromDataWriting(reply(window[2], from: data))
        let resumed = h.fromCoordinator(.disconnect(Reason(reason: "presumed dead")))
        #expect(resumed.sourcesReports.count == 1, "the new connection hears what is held")
        var pending = resumed.fetches
        #expect(pending.map(\.offset) == [100, 300, 400, 500])
        var finished: [String] = []
        while let request = pending.first {
            pending.removeFirst()
            let out = h.fromDataWriting(reply(request, from: data))
            pending += out.fetches
            finished += out.finished
        }
        #expect(finished == [hash] && h.files[hash] == data)
    }

    @Test func missingFailsTheWaitingTasksWithKindDataset() {
        var h = WorkerHarness(slots: 2)
        h.register()
        h.task(0, dataset: hash)
        h.task(1, dataset: hash)
        h.send(.datasetResolved(hash, nil))
        let out = h.fromData(.missing(DatasetRef(dataset: hash)))
        #expect(out.failures.map(\.task) == [0, 1])
        #expect(out.failures.allSatisfy { $0.kind == .dataset && $0.message.contains("MISSING") })
        #expect(h.core.status.waiting == 0 && h.core.status.fetching == 0)
        // A later task for the dataset tries again.
        #expect(h.task(2, dataset: hash).resolved == [hash])
    }

    @Test func aChunkFromTheCoordinatorThatFailsItsDigestFailsTheFetch() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        let data = blob(500)
        let request = h.startFetch(hash, blob: data, chunkBytes: 100).fetches[0]
        var damaged = data
        damaged[request.offset + 3] ^= 0xFF
        let out = h.fromDataWriting(reply(request, from: damaged))
        #expect(out.failures.map(\.kind) == [.dataset])
        #expect(out.failures.first?.message.contains("does not match") == true)
        #expect(out.contains(.abandonFetch(hash)))
    }

    @Test func aDatasetThatDoesNotDecodeFailsTheWaitingTasks() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        let data = blob(80)
        let request = h.startFetch(hash, blob: data, chunkBytes: 100).fetches[0]
        #expect(h.fromDataWriting(reply(request, from: data)).finished == [hash])
        let rejected = h.send(.datasetStored(hash, .rejected("dataset does not decode")))
        #expect(rejected.failures == [WorkerMessage.TaskFailure(
            job: "j", task: 0, attempt: 1, kind: .dataset, message: "dataset does not decode")])
        #expect(!h.core.cachedDatasets.contains(hash))
    }

    @Test func aManifestOverTheWorkersLimitOrOfTooFewBytesFailsTheFetch() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        h.send(.datasetResolved(hash, nil))
        let out = h.fromData(.manifest(Manifest(dataset: hash, size: 10, chunkBytes: 100), digests: [UInt8](repeating: 0, count: 32)))
        #expect(out.failures.first?.message.contains("too few for a dataset") == true)
    }

    @Test func aChunkThatDoesNotFitFailsTheFetch() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        let data = blob(500)
        let request = h.startFetch(hash, blob: data, chunkBytes: 100).fetches[0]
        h.fromDataWriting(reply(request, from: data))
        // The coordinator now claims another size for the same hash.
        let out = h.fromData(.chunk(DataReply.Chunk(dataset: hash, offset: 100, size: 600), bytes: blob(100)))
        #expect(out.failures.map(\.kind) == [.dataset])
        #expect(out.contains(.abandonFetch(hash)))
    }

    @Test func aStalledTransferAsksAgainForWhatIsOutstanding() {
        var h = WorkerHarness(credit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let window = h.startFetch(hash, blob: data, chunkBytes: 100).fetches
        #expect(window.map(\.offset) == [0, 100])
        var again: [FetchRequest] = []
        for _ in 0..<100 {
            h.clock += .milliseconds(100)
            again += h.send(.tick).fetches
            h.fromCoordinator(.heartbeat)
        }
        #expect(again.map(\.offset) == [0, 100])
    }

    @Test func aRefusedFetchIsSentAgainOnTheNextTick() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        let first = h.startFetch(hash, blob: blob(300), chunkBytes: 100).fetches[0]
        h.send(.dataRefused(.fetch(first), generation: h.generation))
        #expect(h.advance(.milliseconds(100)).fetches == [first])
    }

    @Test func aRefusedOrUnansweredManifestRequestIsSentAgain() {
        // The data socket may not be connected yet when the first task arrives (IMMEDIATE): the
        // refused MANIFEST goes again on the next tick, and one left unanswered after 2 s.
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        let manifest = DataRequest.manifest(DatasetRef(dataset: hash))
        #expect(h.send(.datasetResolved(hash, nil)).dataRequests == [manifest])
        h.send(.dataRefused(manifest, generation: h.generation))
        #expect(h.advance(.milliseconds(100)).dataRequests == [manifest])
        #expect(h.advance(.milliseconds(1_800)).dataRequests.isEmpty)
        #expect(h.advance(.milliseconds(300)).dataRequests == [manifest])
    }

    @Test func fetchesALargeDatasetInTheManifestsChunks() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        var data = [UInt8](repeating: 7, count: 48 << 20 | 12_345)
        for index in stride(from: 0, to: data.count, by: 4099) { data[index] = UInt8(truncatingIfNeeded: index) }
        var pending = h.startFetch(hash, blob: data, chunkBytes: WireProtocol.chunkBytes).fetches
        var requests = 0
        var finished: [String] = []
        while let request = pending.first {
            pending.removeFirst()
            requests += 1
            #expect(request.length <= WireProtocol.chunkBytes)
            let out = h.fromDataWriting(reply(request, from: data))
            pending += out.fetches
            finished += out.finished
        }
        #expect(requests == 49)
        #expect(finished == [hash] && h.files[hash] == data)
    }
}

/// Fetching from other workers: chunks a peer holds are asked of it, assigned ones of the
/// coordinator; a peer that sends a wrong chunk or stops answering is dropped for the dataset.
@Suite struct WorkerCorePeerFetchTests {
    static let peerA = "tcp://10.0.0.11:7000"
    static let peerB = "tcp://10.0.0.12:7000"

    @Test func asksPeersForWhatTheyHoldAndTheCoordinatorForWhatIsAssigned() {
        var h = WorkerHarness(credit: 2, peerCredit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let out = h.startFetch(
            hash, blob: data, chunkBytes: 100,
            peers: [(Self.peerA, set(10, [0, 1, 2, 3, 4])), (Self.peerB, set(10, [5, 6]))], assigned: set(10, [7, 8, 9]))
        #expect(out.contains(.connectPeer(Self.peerA, publicKey: nil)) && out.contains(.connectPeer(Self.peerB, publicKey: nil)))
        let byPeer = Dictionary(grouping: out.peerFetches, by: \.0).mapValues { $0.map { $0.1.offset / 100 } }
        #expect(byPeer[Self.peerA]?.count == 2 && byPeer[Self.peerA]!.allSatisfy { (0...4).contains($0) })
        #expect(byPeer[Self.peerB]?.sorted() == [5, 6])
        #expect(out.fetches.map(\.offset) == [700, 800])
        // Every source delivers until the dataset is complete.
        var pending = out.peerFetches.map { (Optional($0.0), $0.1) } + out.fetches.map { (String?.none, $0) }
        var finished: [String] = []
        var fromCoordinator: Set<Int> = []
        while let (peer, request) = pending.first {
            pending.removeFirst()
            let more: [WorkerOutput]
            if let peer {
                more = h.fromPeerWriting(peer, reply(request, from: data))
            } else {
                fromCoordinator.insert(request.offset / 100)
                more = h.fromDataWriting(reply(request, from: data))
            }
            pending += more.peerFetches.map { (Optional($0.0), $0.1) } + more.fetches.map { (String?.none, $0) }
            finished += more.finished
        }
        #expect(fromCoordinator == [7, 8, 9], "the coordinator is asked for its assigned chunks only")
        #expect(finished == [hash] && h.files[hash] == data)
        #expect(h.core.status.fetching == 0)
    }

    @Test func aPeerThatSendsAWrongChunkIsDroppedAndTheChunkAskedElsewhere() {
        var h = WorkerHarness(credit: 2, peerCredit: 1)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(400)
        let out = h.startFetch(
            hash, blob: data, chunkBytes: 100,
            peers: [(Self.peerA, set(4, [0, 1, 2, 3])), (Self.peerB, set(4, [0, 1, 2, 3]))], assigned: set(4, []))
        let toA = out.peerFetches.first { $0.0 == Self.peerA }!.1
        var forged = reply(toA, from: data)
        if case .chunk(let chunk, var bytes) = forged {
            bytes[0] ^= 1
            forged = .chunk(chunk, bytes: bytes)
        }
        let rejected = h.fromPeerWriting(Self.peerA, forged)
        #expect(rejected.failures.isEmpty, "a peer's bad chunk does not fail the fetch")
        #expect(rejected.logs.contains("not asking a peer again for this dataset"))
        #expect(rejected.contains(.closePeer(Self.peerA)))
        #expect(rejected.sourcesReports.last?.excluded == [Self.peerA])
        #expect(!h.files[hash, default: []].starts(with: [data[0] ^ 1]))
        // The chunk goes to the remaining peer, never back to the excluded one.
        #expect(rejected.peerFetches.allSatisfy { $0.0 == Self.peerB })
        // Later SOURCES naming the excluded peer do not bring it back.
        let again = h.sources(hash, chunks: 4, peers: [(Self.peerA, set(4, [0, 1, 2, 3]))], assigned: set(4, []))
        #expect(again.peerFetches.isEmpty && !again.contains(.connectPeer(Self.peerA, publicKey: nil)))
    }

    @Test func aPeerThatStopsAnsweringLosesItsChunksAndAfterTwoTimeoutsIsDropped() {
        var h = WorkerHarness(credit: 1, peerCredit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(400)
        let out = h.startFetch(hash, blob: data, chunkBytes: 100, peers: [(Self.peerA, set(4, [0, 1, 2, 3]))], assigned: set(4, []))
        #expect(out.peerFetches.count == 2)
        // Silence: after 5 s the requests go back to the pool and are asked again (first strike).
        var late = h.advance(.milliseconds(5_100))
        for _ in 0..<60 { h.fromCoordinator(.heartbeat) }
        #expect(late.peerFetches.count == 2)
        // Still silent: the second time the peer is dropped and the coordinator told.
        late = h.advance(.milliseconds(5_100))
        #expect(late.logs.contains("not asking a peer again for this dataset"))
        #expect(late.contains(.closePeer(Self.peerA)))
        #expect(late.sourcesReports.contains { $0.excluded == [Self.peerA] })
        // The coordinator, told, assigns the chunks to this worker.
        let assigned = h.sources(hash, chunks: 4, peers: [], assigned: .all(4))
        #expect(assigned.fetches.count == 1)
    }

    @Test func aBusyPeerIsAskedAgainLaterAndAMissingChunkElsewhere() {
        var h = WorkerHarness(credit: 1, peerCredit: 1)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(400)
        let out = h.startFetch(
            hash, blob: data, chunkBytes: 100,
            peers: [(Self.peerA, set(4, [0, 1, 2, 3])), (Self.peerB, set(4, [0, 1, 2, 3]))], assigned: set(4, []))
        let toA = out.peerFetches.first { $0.0 == Self.peerA }!.1
        let busy = h.send(.peerData(Self.peerA, .declined(Declined(dataset: hash, offset: toA.offset, reason: .busy))))
        #expect(busy.peerFetches.allSatisfy { $0.0 != Self.peerA }, "not asked again while busy")
        let later = h.advance(.milliseconds(600))
        #expect(later.peerFetches.contains { $0.0 == Self.peerA })
        // MISSING takes the chunk off what the peer is believed to hold.
        let toB = out.peerFetches.first { $0.0 == Self.peerB }!.1
        let missing = h.send(.peerData(Self.peerB, .declined(Declined(dataset: hash, offset: toB.offset, reason: .missing))))
        #expect(!missing.peerFetches.contains { $0.0 == Self.peerB && $0.1.offset == toB.offset })
    }

    @Test func reportsWhatItHoldsEveryQuarterSecondWhileFetching() {
        var h = WorkerHarness(peerEndpoint: "tcp://10.0.0.10:7000")
        h.register()
        h.task(0, dataset: hash)
        let data = blob(400)
        let first = h.startFetch(hash, blob: data, chunkBytes: 100, assigned: set(4, [0])).fetches
        h.fromDataWriting(reply(first[0], from: data))
        let reports = h.advance(.milliseconds(1_000)).sourcesReports
        #expect((3...5).contains(reports.count))
        #expect(reports.allSatisfy { $0.endpoint == "tcp://10.0.0.10:7000" && $0.chunks == 4 })
    }
}

/// Serving other workers: whole datasets, and the checked chunks of a fetch under way, to a few
/// workers at a time.
@Suite struct WorkerCoreServingTests {
    static let me = "tcp://10.0.0.10:7000"

    @Test func servesADatasetItHoldsAndDeclinesOneItDoesNot() {
        var h = WorkerHarness(cached: [hash], peerEndpoint: Self.me)
        h.register()
        let requester = PeerRequester([1])
        let request = FetchRequest(dataset: hash, offset: 100, length: 100)
        #expect(h.send(.peerRequest(requester, request)) == [.servePeer(requester, request, partial: false)])
        let other = FetchRequest(dataset: fakeHash("e"), offset: 0, length: 100)
        #expect(h.send(.peerRequest(requester, other)) == [.declinePeer(requester, Declined(dataset: other.dataset, offset: 0, reason: .missing))])
    }

    @Test func servesOnlyTheCheckedChunksOfAFetchUnderWay() {
        var h = WorkerHarness(peerEndpoint: Self.me)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(400)
        let first = h.startFetch(hash, blob: data, chunkBytes: 100, assigned: set(4, [0, 1, 2, 3])).fetches
        h.fromDataWriting(reply(first[0], from: data))
        let requester = PeerRequester([2])
        let held = FetchRequest(dataset: hash, offset: 0, length: 100)
        #expect(h.send(.peerRequest(requester, held)) == [.servePeer(requester, held, partial: true)])
        let notYet = FetchRequest(dataset: hash, offset: 100, length: 100)
        #expect(h.send(.peerRequest(requester, notYet)) == [.declinePeer(requester, Declined(dataset: hash, offset: 100, reason: .missing))])
    }

    @Test func servesAtMostItsLimitOfWorkersAtATime() {
        var h = WorkerHarness(cached: [hash], peerEndpoint: Self.me, maxPeerUploads: 2)
        h.register()
        let request = FetchRequest(dataset: hash, offset: 0, length: 100)
        for id in [UInt8(1), 2] {
            #expect(h.send(.peerRequest(PeerRequester([id]), request)) == [.servePeer(PeerRequester([id]), request, partial: false)])
        }
        #expect(h.send(.peerRequest(PeerRequester([3]), request)) == [.declinePeer(PeerRequester([3]), Declined(dataset: hash, offset: 0, reason: .busy))])
        // One already served keeps being served; after a quiet second a newcomer gets a turn.
        #expect(h.send(.peerRequest(PeerRequester([1]), request)) == [.servePeer(PeerRequester([1]), request, partial: false)])
        h.advance(.milliseconds(1_100))
        #expect(h.send(.peerRequest(PeerRequester([3]), request)) == [.servePeer(PeerRequester([3]), request, partial: false)])
    }

    @Test func aWorkerWithoutADataPortServesNothing() {
        var h = WorkerHarness(cached: [hash])
        h.register()
        #expect(h.send(.peerRequest(PeerRequester([1]), FetchRequest(dataset: hash, offset: 0, length: 100))).isEmpty)
    }

    @Test func readyAnnouncesTheDataPortAndAdmitIsPassedToTheShell() {
        var h = WorkerHarness(peerEndpoint: Self.me)
        #expect(h.send(.start).readies.first?.peerEndpoint == Self.me)
        h.fromCoordinator(.heartbeat)
        let keys = [String(repeating: "a", count: 40)]
        #expect(h.fromCoordinator(.admit(Admit(keys: keys))).contains(.admitPeers(keys)))
    }
}
