import Learners
import Synchronization
import Wire

/// The stop request of every task on a compute thread: the event loop registers a task when it
/// starts it and stops it on `.stopTask`; the compute thread removes it when the fold returns.
final class RunningFolds: Sendable {
    private let cancellations = Mutex<[TaskRef: FoldCancellation]>([:])

    /// A fresh stop request for `ref`, kept until `finished(ref)`.
    func start(_ ref: TaskRef) -> FoldCancellation {
        let cancellation = FoldCancellation()
        cancellations.withLock { $0[ref] = cancellation }
        return cancellation
    }

    /// Asks `ref`'s fold to stop at its next check; nothing when it has returned already.
    func stop(_ ref: TaskRef) {
        cancellations.withLock { $0[ref] }?.cancel()
    }

    /// Asks every fold still running to stop (the worker is going away).
    func stopAll() {
        for cancellation in cancellations.withLock({ Array($0.values) }) { cancellation.cancel() }
    }

    func finished(_ ref: TaskRef) {
        cancellations.withLock { _ = $0.removeValue(forKey: ref) }
    }
}
