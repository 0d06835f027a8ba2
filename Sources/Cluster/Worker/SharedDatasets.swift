import Datasets
import Synchronization

/// Decoded datasets a process already holds, by canonical hash, for workers in the same process.
///
/// The embedded cluster runs its coordinator and workers in one process: it owns one of these,
/// registers every dataset it holds here and gives it to its workers, which look here before they
/// fetch, so an embedded worker never copies a dataset through sockets. Every holder shares the
/// same mapping of the dataset's canonical file.
public final class SharedDatasets: Sendable {
    private let entries = Mutex<[String: Dataset]>([:])

    public init() {}

    /// Makes `dataset` available under `hash` (its canonical SHA-256; the caller vouches for it).
    public func register(hash: String, dataset: Dataset) {
        entries.withLock { $0[hash] = $0[hash] ?? dataset }
    }

    /// Forgets a dataset; tasks already holding it keep their copy.
    public func remove(hash: String) {
        entries.withLock { $0[hash] = nil }
    }

    public func dataset(_ hash: String) -> Dataset? {
        entries.withLock { $0[hash] }
    }

    public var hashes: [String] {
        entries.withLock { $0.keys.sorted() }
    }
}
