import Dispatch
import Synchronization

/// Carries out the core's store writes in the order it asked for them. A store that keeps
/// everything in memory (`JobStore.writesBlock` false) takes a write on the event loop itself,
/// with no thread between, unless the write is a finished job's metrics and predictions (a file,
/// and its results let go: `StoreWrite.isBulk`) or an earlier write is still queued; every other
/// write runs on one serial queue, off the loop.
///
/// `write` is called from the event loop only (one caller at a time).
final class StoreWriter: Sendable {
    let store: any JobStore
    private let queue = DispatchQueue(label: "crossfold.store")
    /// Writes handed to the queue whose outcome has not been reported yet.
    private let queued = Atomic(0)

    init(store: any JobStore) {
        self.store = store
    }

    /// Runs `write` and reports its outcome through `report`: at once on the caller's thread, or
    /// from the queue once the write returned. Reports come in the order of the writes.
    func write(_ write: StoreWrite, report: @escaping @Sendable (JobStoreError?) -> Void) {
        if queued.load(ordering: .acquiring) == 0, !store.writesBlock, !write.isBulk {
            report(write.run(on: store))
            return
        }
        queued.add(1, ordering: .relaxed)
        queue.async { [self] in
            report(write.run(on: store))
            // After the report, so a write run at once afterwards is reported after this one.
            queued.subtract(1, ordering: .releasing)
        }
    }

    /// Waits for the queued writes (the process is about to exit).
    func flush() {
        queue.sync {}
    }
}
