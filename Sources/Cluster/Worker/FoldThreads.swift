import Synchronization

/// The cores a worker process gives its folds, shared among the folds running now and shared out
/// again at every pass: two folds on two cores get one each, and when one finishes the other
/// widens to both at its next pass, so a job with fewer folds left than cores (its last fold, a
/// holdout) still uses every core. A worker's own share is `slots × threads` (its `--threads` is
/// each fold's least); the embedded cluster's workers share one for the whole process. Results
/// never depend on it: a pass's blocks are fixed by its rows and added in block order.
public final class FoldThreads: Sendable {
    public let cores: Int
    private let running = Atomic<Int>(0)

    public init(cores: Int) {
        self.cores = max(1, cores)
    }

    func started() { running.add(1, ordering: .relaxed) }
    func finished() { running.subtract(1, ordering: .relaxed) }

    /// A running fold's threads for a pass starting now: its share of the cores, at least `least`.
    func share(least: Int) -> Int {
        max(least, cores / max(1, running.load(ordering: .relaxed)))
    }
}
