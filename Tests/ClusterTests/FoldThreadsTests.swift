@testable import Cluster
import Testing

@Suite struct FoldThreadsTests {
    @Test func runningFoldsShareTheCoresAndTheLastWidens() {
        let threads = FoldThreads(cores: 4)
        threads.started()
        #expect(threads.share(least: 1) == 4)
        threads.started()
        #expect(threads.share(least: 1) == 2)
        threads.started()
        #expect(threads.share(least: 1) == 1)
        #expect(threads.share(least: 2) == 2)
        threads.finished()
        threads.finished()
        #expect(threads.share(least: 1) == 4)
    }

    @Test func aWorkerLendsItsIdleSlotsThreads() {
        #expect(FoldThreads(cores: 0).cores == 1)
        let worker = FoldThreads(cores: 2 * 1)
        worker.started()
        #expect(worker.share(least: 1) == 2)
    }
}
