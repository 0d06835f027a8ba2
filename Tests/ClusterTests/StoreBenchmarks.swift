import Cluster
import Foundation
import Testing
import Wire

/// What durability costs, for docs/RELIABILITY.md: the time of each durable write (the
/// coordinator waits for it before a result counts), reading a job back, and reopening a store.
/// Off by default: `CROSSFOLD_BENCHMARKS=1 swift test --filter StoreBenchmarks`, best in a
/// release build, on the disk the state dir will use (TMPDIR).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CROSSFOLD_BENCHMARKS"] != nil), .serialized)
struct StoreBenchmarks {
    @Test(.timeLimit(.minutes(10)))
    func durableWriteLatency() throws {
        let directory = WorkerFixtures.scratchDirectory("store-bench")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        let clock = ContinuousClock()

        var creates: [Double] = []
        for index in 0..<20 {
            let started = clock.now
            try store.create(StoreFixtures.job("bench-\(index)"))
            creates.append(StoreFixtures.seconds(clock.now - started))
        }
        print("benchmark: store create: \(Self.summary(creates))")

        // A digits fold (360 rows x 10 concepts), a 4,000 x 100 fold, a 40,000 x 100 fold.
        for (rows, concepts, count) in [(360, 10, 50), (4_000, 100, 20), (40_000, 100, 5)] {
            var times: [Double] = []
            for task in 0..<count {
                let result = StoredResult(
                    job: "bench-0", task: task + rows, attempt: 1, worker: "worker", seconds: 1,
                    scores: (0..<(rows * concepts)).map { Float($0 % 997) / 997 })
                let started = clock.now
                try store.saveResult(result)
                times.append(StoreFixtures.seconds(clock.now - started))
            }
            let megabytes = Double(rows * concepts * 4) / 1e6
            print("benchmark: store saveResult \(rows)x\(concepts) (\(String(format: "%.2f", megabytes)) MB): \(Self.summary(times))")
        }

        var updates: [Double] = []
        for index in 0..<20 {
            let started = clock.now
            try store.update(job: "bench-\(index)", state: .completed, message: nil)
            updates.append(StoreFixtures.seconds(clock.now - started))
        }
        print("benchmark: store update (state file): \(Self.summary(updates))")

        let started = clock.now
        let read = try store.results(of: "bench-0")
        print("benchmark: store results(of:) read back \(read.count) results: "
              + "\(String(format: "%.1f", StoreFixtures.seconds(clock.now - started) * 1000)) ms")
    }

    @Test(.timeLimit(.minutes(10)))
    func reopeningAStoreOfTwoHundredJobs() throws {
        let directory = WorkerFixtures.scratchDirectory("store-bench-reopen")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        for index in 0..<200 {
            let id = "job-\(index)"
            try store.create(StoreFixtures.job(id, createdAt: Double(index)))
            for task in 0..<10 { try store.saveResult(StoreFixtures.result(job: id, task: task, rows: 360, concepts: 10)) }
            if index % 2 == 0 {
                try store.saveMetrics(job: id, json: Array(#"{"summary":{"macro_avg_roc_auc":0.5}}"#.utf8))
                try store.update(job: id, state: .completed, message: nil)
            }
        }
        store.close()
        let clock = ContinuousClock()
        let started = clock.now
        let reopened = try StoreFixtures.open(directory)
        let elapsed = StoreFixtures.seconds(clock.now - started)
        #expect(try reopened.jobs().count == 200)
        reopened.close()
        print("benchmark: store reopen, 200 jobs x 10 results: \(String(format: "%.1f", elapsed * 1000)) ms")
    }

    /// Median and 95th percentile in milliseconds.
    static func summary(_ seconds: [Double]) -> String {
        let sorted = seconds.sorted()
        let median = sorted[sorted.count / 2] * 1000
        let p95 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))] * 1000
        return String(format: "median %.2f ms, p95 %.2f ms (n=%d)", median, p95, seconds.count)
    }
}
