import Datasets
import Synchronization
import ZeroMQ

/// The datasets the coordinator can serve, by canonical hash: their canonical bytes for FETCH (read
/// on the reactor thread, sent without copying) and their decoded labels and ids for planning and
/// metrics. Both come from one mapping of the dataset's file, so a dataset costs the coordinator
/// its labels and ids in memory, and page cache for the rest. Shared between threads, hence the
/// lock; entries are immutable once registered.
public final class DatasetRegistry: Sendable {
    public struct Entry: Sendable {
        public let hash: String
        /// The canonical bytes, pinned so chunks go out zero-copy.
        public let bytes: PinnedBuffer
        public let dataset: Dataset
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Told of each new entry, once (the coordinator starts computing its chunk digests).
    private let onRegister: @Sendable (Entry) -> Void

    public init(onRegister: @escaping @Sendable (Entry) -> Void = { _ in }) {
        self.onRegister = onRegister
    }

    /// Registers a dataset, served from the mapping its features live in (or, for a dataset held
    /// in memory, from its encoded bytes).
    public func register(hash: String, dataset: Dataset) {
        guard !contains(hash) else { return }
        let bytes = dataset.features.mappedFile.map { PinnedBuffer(mapping: $0) } ?? PinnedBuffer(CanonicalDataset.encode(dataset))
        register(hash: hash, buffer: bytes, dataset: dataset)
    }

    /// Registers a dataset's canonical bytes (kept by reference, never copied) and decoded form.
    public func register(hash: String, buffer: PinnedBuffer, dataset: Dataset) {
        let added: Entry? = entries.withLock { entries in
            guard entries[hash] == nil else { return nil }
            let entry = Entry(hash: hash, bytes: buffer, dataset: dataset)
            entries[hash] = entry
            return entry
        }
        if let added { onRegister(added) }
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
