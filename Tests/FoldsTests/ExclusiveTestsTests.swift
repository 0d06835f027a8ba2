import Synchronization
import Testing
import TestSupport

/// The test lanes (`ExclusiveTests`): one test of a lane at a time, and a test that holds a lane
/// may take it again (a lab inside a lab) without waiting for itself. The time limits catch a
/// deadlock, not slowness: at the suite's start these tests wait behind hundreds of others for the
/// cooperative pool, and a one-minute limit fired there in CI.
@Suite struct ExclusiveTestsTests {
    @Test(.timeLimit(.minutes(10)))
    func aTaskHoldingALaneTakesItAgainAtOnce() async {
        let lane = ExclusiveTests()
        let inner = await lane.run { await lane.run { await lane.run { 3 } } }
        #expect(inner == 3)
    }

    @Test(.timeLimit(.minutes(10)))
    func testsOfALaneRunOneAtATime() async {
        let lane = ExclusiveTests()
        let state = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    await lane.run {
                        state.counts.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                        try? await Task.sleep(for: .milliseconds(20))
                        state.counts.withLock { $0.running -= 1 }
                    }
                }
            }
        }
        #expect(state.counts.withLock { $0.most } == 1)
    }

    final class Occupancy: Sendable {
        let counts = Mutex((running: 0, most: 0))
    }
}
