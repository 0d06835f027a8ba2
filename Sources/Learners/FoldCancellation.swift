import Synchronization

/// A request that a running fold stop, shared between the thread that runs it and the one that
/// cancels it. A worker sets it when the coordinator cancels the task; every learner checks it
/// between blocks of its work (an L-BFGS iteration, a block of training rows against the test
/// rows), so a cancelled fold ends within one block instead of running to its end.
public final class FoldCancellation: Sendable {
    private let requested = Atomic(false)
    /// Checks left before a request made by `init(cancellingAtCheck:)` arrives.
    private let countdown: Atomic<Int>

    /// A request not made yet.
    public init() {
        countdown = Atomic(.max)
    }

    /// For tests: a request that the `check`-th call of `check()` makes itself, so a fold is
    /// cancelled at a known point of its work, however loaded the machine.
    init(cancellingAtCheck check: Int) {
        countdown = Atomic(check)
    }

    /// Asks the fold to stop at its next check; later calls do nothing more.
    public func cancel() {
        requested.store(true, ordering: .releasing)
    }

    public var isCancelled: Bool { requested.load(ordering: .acquiring) }

    /// Throws `LearnerError` of kind `cancelled` once `cancel()` was called.
    public func check() throws(LearnerError) {
        if countdown.subtract(1, ordering: .relaxed).newValue == 0 { cancel() }
        if isCancelled { throw LearnerError(.cancelled, "the fold was cancelled before it finished") }
    }
}
