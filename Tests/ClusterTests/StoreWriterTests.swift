@testable import Cluster
import Synchronization
import Testing

/// `StoreWriter`: an in-memory store's writes at once, other stores' and bulk writes on the queue,
/// and the outcomes in the order of the writes.
@Suite struct StoreWriterTests {
    final class Reports: Sendable {
        private let lock = Mutex<[String]>([])
        func add(_ name: String) { lock.withLock { $0.append(name) } }
        var all: [String] { lock.withLock { $0 } }
    }

    @Test func anInMemoryStoreTakesSmallWritesAtOnce() {
        let store = InMemoryJobStore()
        let writer = StoreWriter(store: store)
        let reports = Reports()
        writer.write(.createJob(StoreFixtures.job("j1"))) { error in reports.add(error == nil ? "created" : "failed") }
        // Reported before `write` returned: no thread between.
        #expect(reports.all == ["created"])
        writer.write(.result(StoreFixtures.result(job: "j1", task: 0), worker: WorkerID("w1"))) { error in
            reports.add(error == nil ? "result" : "failed")
        }
        #expect(reports.all == ["created", "result"])
        #expect((try? store.resultCount(of: "j1")) == 1)
    }

    @Test func aFinishedJobsWriteIsQueuedAndLaterWritesWaitBehindIt() {
        let store = InMemoryJobStore()
        let writer = StoreWriter(store: store)
        let reports = Reports()
        writer.write(.createJob(StoreFixtures.job("j1"))) { _ in reports.add("created") }
        let metrics = ComputedMetrics(json: Array("{}".utf8), predictions: nil)
        writer.write(.finished(job: "j1", metrics)) { _ in reports.add("finished") }
        // Queued, so a small write after it must not overtake it.
        writer.write(.createJob(StoreFixtures.job("j2"))) { _ in reports.add("created j2") }
        writer.flush()
        #expect(reports.all == ["created", "finished", "created j2"])
    }

    @Test func aStoreWhoseWritesBlockGetsThemOnTheQueueInOrder() throws {
        let directory = WorkerFixtures.scratchDirectory("store-writer")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        #expect(store.writesBlock)
        let writer = StoreWriter(store: store)
        let reports = Reports()
        writer.write(.createJob(StoreFixtures.job("j1"))) { error in reports.add(error == nil ? "created" : "\(error!)") }
        for task in 0..<3 {
            writer.write(.result(StoreFixtures.result(job: "j1", task: task), worker: WorkerID("w1"))) { error in
                reports.add(error == nil ? "result \(task)" : "\(error!)")
            }
        }
        writer.flush()
        #expect(reports.all == ["created", "result 0", "result 1", "result 2"])
        #expect(try store.resultCount(of: "j1") == 3)
    }
}
