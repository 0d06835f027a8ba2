import Synchronization

/// The work a worker process keeps between the folds of a repeat: per-fold sums (`PartitionWork`),
/// so the folds share one pass over the data (the first to arrive starts it, folds that arrive
/// meanwhile join in, and later ones only add), and `knn`'s pairs of rows (`NeighbourPairs`), so
/// each pair is compared once.
///
/// Only an optimisation: a fold's scores are the same bits with or without it. It holds at most
/// `capacity` bytes, dropping the oldest sums first.
public final class PartitionStatisticsMemo: Sendable {
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var entries: [String: (work: any Sendable, bytes: Int)] = [:]
        /// Keys, oldest first.
        var order: [String] = []
        var bytes = 0
    }

    /// The largest sums a fold is fitted from (128 MiB); with larger ones (thousands of folds of wide
    /// data) every fold is fitted from its own rows. A fixed bound, so every worker decides alike.
    static let largestSums = 128 << 20

    /// 256 MiB (at least `largestSums`): the sums of many repeats of typical plans (10 concepts ×
    /// 128 features × 5 folds is about 100 KiB for `naive-bayes`).
    public init(capacity: Int = 256 << 20) {
        self.capacity = max(capacity, Self.largestSums)
    }

    /// The work stored under `key`, or `make()`'s, stored for the next callers.
    func work<Work: Sendable>(for key: String, bytes: Int, make: () -> Work) -> Work {
        state.withLock { state in
            // Keys name the learner, so a key's work always has the type its learner stores.
            if let found = state.entries[key] { return found.work as! Work }
            let work = make()
            state.entries[key] = (work, bytes)
            state.order.append(key)
            state.bytes += bytes
            while state.bytes > capacity, state.order.count > 1 {
                let oldest = state.order.removeFirst()
                state.bytes -= state.entries.removeValue(forKey: oldest)?.bytes ?? 0
            }
            return work
        }
    }
}
