import Foundation
import Synchronization

/// Runs fuzz cases one after another on a thread of its own while the caller watches the clock,
/// so a case that hangs is reported (with its number, to replay it) instead of hanging the test
/// run. A hung case's thread cannot be stopped from outside; it is left behind and the run ends.
public enum FuzzWatchdog {
    public struct Report: Sendable {
        /// Cases that ran to the end.
        public var completed: Int
        /// The case still running when its time ran out, if one did.
        public var hung: Int?
        /// The slowest case and its time.
        public var slowest: (index: Int, time: Duration)
        public var elapsed: Duration
    }

    private struct Progress {
        var current: Int?
        var started: ContinuousClock.Instant?
        var completed = 0
        var finished = false
        var slowest: (index: Int, time: Duration) = (-1, .zero)
    }

    /// Runs `body(0)`, `body(1)`, ... `body(count - 1)` on a dedicated thread, giving each case at
    /// most `limit`. Returns when every case ran, or as soon as one overruns.
    public static func run(
        count: Int, limit: Duration, name: String = "crossfold.fuzz", _ body: @escaping @Sendable (Int) -> Void
    ) async -> Report {
        let clock = ContinuousClock()
        let begun = clock.now
        let progress = Mutex(Progress())
        let thread = Thread {
            for index in 0..<count {
                let start = clock.now
                progress.withLock {
                    $0.current = index
                    $0.started = start
                }
                body(index)
                let time = clock.now - start
                progress.withLock {
                    $0.current = nil
                    $0.completed += 1
                    if time > $0.slowest.time { $0.slowest = (index, time) }
                }
            }
            progress.withLock { $0.finished = true }
        }
        thread.name = name
        // Deep inputs recurse; give the parsers the stack a main thread would have.
        thread.stackSize = 8 << 20
        thread.start()
        while true {
            try? await Task.sleep(for: .milliseconds(20))
            let snapshot = progress.withLock { $0 }
            if snapshot.finished {
                return Report(completed: snapshot.completed, hung: nil, slowest: snapshot.slowest, elapsed: clock.now - begun)
            }
            if let current = snapshot.current, let started = snapshot.started, clock.now - started > limit {
                return Report(completed: snapshot.completed, hung: current, slowest: snapshot.slowest, elapsed: clock.now - begun)
            }
        }
    }
}
