import Datasets
import Synchronization
import ZeroMQ

/// The datasets the coordinator can serve, by canonical hash: their bytes for FETCH (read on the
/// reactor thread) and their decoded form for planning and metrics (read by the core). Shared
/// between those two threads, hence the lock; entries are immutable once registered.
public final class DatasetRegistry: Sendable {
    public struct Entry: Sendable {
        public let hash: String
        /// The canonical bytes, pinned so chunks go out zero-copy.
        public let bytes: PinnedBuffer
        public let dataset: Dataset
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Registers a dataset's canonical bytes (kept by reference, never copied) and decoded form.
    public func register(hash: String, buffer: PinnedBuffer, dataset: Dataset) {
        entries.withLock { $0[hash] = $0[hash] ?? Entry(hash: hash, bytes: buffer, dataset: dataset) }
    }

    /// Registers a copy of `bytes`, pinned for zero-copy sends.
    public func register(hash: String, bytes: [UInt8], dataset: Dataset) {
        guard !contains(hash) else { return }
        register(hash: hash, buffer: PinnedBuffer(bytes), dataset: dataset)
    }

    public func entry(_ hash: String) -> Entry? {
        entries.withLock { $0[hash] }
    }

    public func contains(_ hash: String) -> Bool {
        entries.withLock { $0[hash] != nil }
    }
}
