import Cluster
import Testing
import Wire

private let hash = fakeHash("d")

/// Serves FETCH requests from `blob` as the coordinator's data socket would.
private func reply(_ request: FetchRequest, from blob: [UInt8]) -> DataReply {
    let end = min(blob.count, request.offset + request.length)
    return .chunk(DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: blob.count),
                  bytes: Array(blob[request.offset..<end]))
}

private func blob(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
}

@Suite struct WorkerCoreFetchTests {
    @Test func fetchesWithACreditWindowAndOneNewRequestPerChunk() {
        var h = WorkerHarness(slots: 2, chunkBytes: 100, credit: 3)
        h.register()
        h.task(0, dataset: hash)
        h.task(1, dataset: hash)
        let data = blob(1_050)
        // Until the size is known, only the first chunk is asked for.
        var pending = h.send(.datasetResolved(hash, nil)).fetches
        #expect(pending == [FetchRequest(dataset: hash, offset: 0, length: 100)])
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
        var h = WorkerHarness(chunkBytes: 100, credit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let first = h.send(.datasetResolved(hash, nil)).fetches[0]
        // The first chunk arrives; until it is written, nothing more is asked for (a slow disk
        // slows the transfer instead of filling memory).
        let arrived = h.fromData(reply(first, from: data))
        #expect(arrived.writes.map(\.2) == [0])
        #expect(arrived.fetches.isEmpty)
        let written = h.send(.chunkWritten(hash, offset: 0))
        #expect(written.fetches.map(\.offset) == [100, 200])
        // A write that fails fails the fetch, drops its file and fails the waiting task.
        let failed = h.send(.chunkWriteFailed(hash, reason: "No space left on device"))
        #expect(failed.contains(.abandonFetch(hash)))
        #expect(failed.failures.map(\.kind) == [.dataset])
    }

    @Test func resumesFromTheMissingChunksOnANewConnection() {
        var h = WorkerHarness(chunkBytes: 100, credit: 4)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let first = h.send(.datasetResolved(hash, nil)).fetches[0]
        let window = h.fromDataWriting(reply(first, from: data)).fetches
        #expect(window.map(\.offset) == [100, 200, 300, 400])
        // Chunks 100 and 300 arrive, then the connection is replaced (DISCONNECT).
        h.fromDataWriting(reply(window[0], from: data))
        h.fromDataWriting(reply(window[2], from: data))
        let resumed = h.fromCoordinator(.disconnect(Reason(reason: "presumed dead"))).fetches
        #expect(resumed.map(\.offset) == [200, 400, 500, 600])
        var pending = resumed
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

    @Test func bytesThatDoNotVerifyFailTheWaitingTasks() {
        var h = WorkerHarness(chunkBytes: 100)
        h.register()
        h.task(0, dataset: hash)
        let request = h.send(.datasetResolved(hash, nil)).fetches[0]
        let out = h.fromDataWriting(reply(request, from: blob(80)))
        #expect(out.finished == [hash])
        let rejected = h.send(.datasetStored(hash, .rejected("the 80 bytes received hash to 00ff")))
        #expect(rejected.failures == [WorkerMessage.TaskFailure(
            job: "j", task: 0, attempt: 1, kind: .dataset, message: "the 80 bytes received hash to 00ff")])
        #expect(!h.core.cachedDatasets.contains(hash))
    }

    @Test func aChunkThatDoesNotFitFailsTheFetch() {
        var h = WorkerHarness(chunkBytes: 100)
        h.register()
        h.task(0, dataset: hash)
        let request = h.send(.datasetResolved(hash, nil)).fetches[0]
        h.fromDataWriting(reply(request, from: blob(500)))
        // The coordinator now claims another size for the same hash.
        let out = h.fromData(.chunk(DataReply.Chunk(dataset: hash, offset: 100, size: 600), bytes: blob(100)))
        #expect(out.failures.map(\.kind) == [.dataset])
        #expect(out.contains(.abandonFetch(hash)))
    }

    @Test func aStalledTransferAsksAgainForWhatIsOutstanding() {
        var h = WorkerHarness(chunkBytes: 100, credit: 2)
        h.register()
        h.task(0, dataset: hash)
        let data = blob(1_000)
        let first = h.send(.datasetResolved(hash, nil)).fetches[0]
        let window = h.fromDataWriting(reply(first, from: data)).fetches
        #expect(window.map(\.offset) == [100, 200])
        var again: [FetchRequest] = []
        for _ in 0..<100 {
            h.clock += .milliseconds(100)
            again += h.send(.tick).fetches
            h.fromCoordinator(.heartbeat)
        }
        #expect(again.map(\.offset) == [100, 200])
    }

    @Test func aRefusedFetchIsSentAgainOnTheNextTick() {
        var h = WorkerHarness(chunkBytes: 100)
        h.register()
        h.task(0, dataset: hash)
        let first = h.send(.datasetResolved(hash, nil)).fetches[0]
        h.send(.fetchRefused(first, generation: h.generation))
        #expect(h.advance(.milliseconds(100)).fetches == [first])
    }

    @Test func fetchesALargeDatasetInProtocolSizedChunks() {
        var h = WorkerHarness()
        h.register()
        h.task(0, dataset: hash)
        var data = [UInt8](repeating: 7, count: 48 << 20 | 12_345)
        for index in stride(from: 0, to: data.count, by: 4099) { data[index] = UInt8(truncatingIfNeeded: index) }
        var pending = h.send(.datasetResolved(hash, nil)).fetches
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
