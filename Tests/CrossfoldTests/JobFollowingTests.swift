@testable import crossfold
import Testing
import Wire

/// Following a job, decided from statuses and made-up times: progress lines off a terminal at each
/// change and at least every 10 s, no-worker notices every 10 s, and giving up after the wait.
@Suite struct JobFollowingTests {
    static func status(done: Int = 0, workers: Int = 1, state: JobState = .running) -> JobStatus {
        JobStatus(job: "j", state: state, datasetName: "d.csv", model: "knn", tasksTotal: 5, tasksDone: done,
                  tasksRunning: 1, attemptsLost: 0, workers: workers, workersBusy: workers, elapsedSeconds: 0)
    }

    /// The actions at each of `times` (seconds) for the statuses `at` gives.
    static func run(_ following: inout JobFollowing, _ times: ClosedRange<Int>, step: Int = 1,
                    _ at: (Int) -> JobStatus) -> [Int: [JobFollowing.Action]] {
        var seen: [Int: [JobFollowing.Action]] = [:]
        for second in stride(from: times.lowerBound, through: times.upperBound, by: step) {
            let actions = following.observe(at(second), at: .seconds(second))
            if !actions.isEmpty { seen[second] = actions }
        }
        return seen
    }

    @Test func aLongFoldStillGetsAProgressLineEveryTenSeconds() {
        var following = JobFollowing(workerWait: .seconds(60))
        // One fold takes 61 s: a line at the start, every 10 s of silence, and when it ends.
        let seen = Self.run(&following, 0...61) { Self.status(done: $0 < 61 ? 0 : 1) }
        #expect(seen.keys.sorted() == [0, 10, 20, 30, 40, 50, 60, 61])
        #expect(seen.values.allSatisfy { $0 == [.logProgress] })
    }

    @Test func noWorkerIsSaidEveryTenSecondsThenGivenUpAfterTheWait() {
        var following = JobFollowing(workerWait: .seconds(30))
        let seen = Self.run(&following, 0...32) { _ in Self.status(workers: 0) }
        let notices = seen.compactMapValues { $0.first { if case .noWorker = $0 { true } else { false } } }
        #expect(notices == [5: .noWorker(waited: .seconds(5)), 15: .noWorker(waited: .seconds(15)),
                            25: .noWorker(waited: .seconds(25))])
        #expect(seen[31]?.contains(.giveUp(waited: .seconds(31))) == true)
        #expect(seen.keys.filter { $0 < 31 }.allSatisfy { seen[$0]?.contains { if case .giveUp = $0 { true } else { false } } == false })
    }

    @Test func aWorkerJoiningRestartsTheWait() {
        var following = JobFollowing(workerWait: .seconds(10))
        // No worker for 8 s, one for 5 s, then none again: the wait counts from 13 s.
        let seen = Self.run(&following, 0...24) { Self.status(workers: (8..<13).contains($0) ? 1 : 0) }
        let givenUp = seen.filter { $0.value.contains { if case .giveUp = $0 { true } else { false } } }.keys.sorted()
        #expect(givenUp.first == 24)
    }

    @Test func theEmbeddedClusterAndFinishedJobsAreNeverWaitedFor() {
        var embedded = JobFollowing(workerWait: nil)
        let seen = Self.run(&embedded, 0...100, step: 5) { _ in Self.status(workers: 0) }
        #expect(seen.values.allSatisfy { $0 == [.logProgress] })
        var finished = JobFollowing(workerWait: .seconds(1))
        #expect(finished.observe(Self.status(workers: 0, state: .completed), at: .seconds(50)) == [.logProgress])
    }

    /// The status is asked for soon after the start, then as often as before while the job has far
    /// to go, and ever more often as it nears its end, so a waiting command returns within 50 ms.
    @Test func statusIsAskedForSoonAfterTheStartAndAsTheJobNearsItsEnd() {
        func interval(done: Int, eta: Double?, previous: Duration? = .milliseconds(500), live: Bool = false) -> Duration {
            var status = Self.status(done: done)
            status.etaSeconds = eta
            return JobFollowing.pollInterval(after: status, previous: previous, live: live)
        }
        // 50 ms, doubling up to the usual wait.
        var waits: [Duration] = []
        var previous: Duration?
        for _ in 0..<6 {
            previous = interval(done: 0, eta: nil, previous: previous)
            waits.append(previous!)
        }
        #expect(waits == [50, 100, 200, 400, 500, 500].map { .milliseconds($0) })
        #expect(interval(done: 0, eta: nil, previous: .milliseconds(200), live: true) == .milliseconds(200))
        #expect(interval(done: 1, eta: 3_600) == .milliseconds(500))
        #expect(interval(done: 3, eta: 4) == .milliseconds(200))
        #expect(interval(done: 4, eta: 0.4) == .milliseconds(50))
        #expect(interval(done: 4, eta: .nan) == .milliseconds(500))
        // Every task done: the coordinator is computing the metrics.
        #expect(interval(done: 5, eta: nil) == .milliseconds(50))
        #expect(interval(done: 5, eta: nil, live: true) == .milliseconds(50))
    }
}
