import Dispatch
import Synchronization
import Datasets
import Wire

/// The files of the datasets a worker is fetching, one serial queue each: chunks are written (and
/// hashed) in the order they arrive, off the event loop, and the outcome of each step goes back to
/// the core as an input.
final class FetchWriters: Sendable {
    private struct Writer: Sendable {
        let queue: DispatchQueue
        /// Set on the queue by the first chunk; only touched from the queue.
        let file: FileBox
    }

    /// The queue's file; confined to its queue.
    private final class FileBox: @unchecked Sendable {
        var incoming: IncomingDataset?
        /// The chunk digests, once the manifest is in: the file is created with them.
        var chunks: IncomingDataset.Chunks?
    }

    private let writers = Mutex<[String: Writer]>([:])
    let cache: DatasetCache

    init(cache: DatasetCache) {
        self.cache = cache
    }

    private func writer(_ hash: String) -> Writer {
        writers.withLock { writers in
            if let writer = writers[hash] { return writer }
            let writer = Writer(queue: DispatchQueue(label: "crossfold.fetch.\(hash.prefix(12))"), file: FileBox())
            writers[hash] = writer
            return writer
        }
    }

    /// How a chunk write ended.
    enum WriteOutcome: Sendable {
        case written
        /// The bytes do not match the chunk's digest: not written.
        case rejected(String)
        /// The file could not be created or written (a full disk).
        case failed(String)
    }

    /// From now on, chunks of `hash` are checked against these digests as they are written.
    func begin(_ hash: String, manifest: Manifest, digests: [UInt8]) {
        let writer = writer(hash)
        writer.queue.async {
            writer.file.chunks = IncomingDataset.Chunks(digests: digests, chunkBytes: manifest.chunkBytes)
        }
    }

    /// Checks a chunk against its digest (once `begin` gave them) and writes it, creating the file
    /// for `size` bytes on the first one; then calls `done` with the outcome.
    func write(_ hash: String, size: Int, offset: Int, bytes: [UInt8], done: @escaping @Sendable (WriteOutcome) -> Void) {
        let writer = writer(hash)
        let cache = self.cache
        writer.queue.async {
            do throws(DatasetCacheError) {
                let incoming: IncomingDataset
                if let open = writer.file.incoming {
                    incoming = open
                } else {
                    incoming = try cache.receive(hash, size: size, chunks: writer.file.chunks)
                    writer.file.incoming = incoming
                }
                guard incoming.size == size, offset + bytes.count <= size else {
                    done(.failed("a chunk of \(bytes.count) bytes at \(offset) does not fit a dataset of \(incoming.size)"))
                    return
                }
                do throws(DatasetError) {
                    try incoming.write(bytes, at: offset)
                } catch where error.rule == .malformed {
                    done(.rejected(error.message))
                    return
                } catch {
                    throw DatasetCacheError(.unwritable, error.message)
                }
                done(.written)
            } catch {
                done(.failed(error.description))
            }
        }
    }

    /// Reads a checked chunk of a dataset being fetched (or just fetched and not yet kept), for a
    /// peer, on the dataset's queue; calls `done` with nil when this worker has no such file or
    /// chunk.
    func read(_ hash: String, offset: Int, done: @escaping @Sendable (_ bytes: [UInt8]?, _ size: Int) -> Void) {
        guard let writer = writers.withLock({ $0[hash] }) else {
            done(nil, 0)
            return
        }
        writer.queue.async {
            guard let incoming = writer.file.incoming, let chunks = incoming.chunks, offset % chunks.chunkBytes == 0 else {
                done(nil, 0)
                return
            }
            done(incoming.readChunk(offset / chunks.chunkBytes), incoming.size)
        }
    }

    /// Verifies and opens the complete dataset (`DatasetCache.admit`), reports it with `opened`,
    /// then makes it a durable cache entry on another thread (flushing takes a while, and chunks
    /// asked for meanwhile by other workers are served from the opened dataset instead of waiting
    /// behind it) and reports what that evicted with `kept`.
    func finish(
        _ hash: String, opened: @escaping @Sendable (DatasetStoreOutcome) -> Void,
        kept: @escaping @Sendable ([String]) -> Void
    ) {
        let writer = writer(hash)
        let cache = self.cache
        writer.queue.async { [self] in
            defer { forget(hash) }
            guard let incoming = writer.file.incoming else {
                opened(.rejected("no bytes of dataset \(hash) were written"))
                return
            }
            writer.file.incoming = nil
            do throws(DatasetCacheError) {
                _ = try cache.admit(incoming)
            } catch {
                opened(.rejected(error.description))
                return
            }
            opened(.stored(evicted: []))
            let file = IncomingFile(incoming)
            DispatchQueue.global().async {
                let evicted = cache.keep(file.incoming)
                if !evicted.isEmpty { kept(evicted) }
            }
        }
    }

    /// Drops the partial file of a failed fetch.
    func abandon(_ hash: String) {
        let writer = writer(hash)
        writer.queue.async { [self] in
            writer.file.incoming?.discard()
            writer.file.incoming = nil
            forget(hash)
        }
    }

    private func forget(_ hash: String) {
        _ = writers.withLock { $0.removeValue(forKey: hash) }
    }
}

/// An admitted dataset's file handed to another thread to be kept: nothing writes to it any more.
private struct IncomingFile: @unchecked Sendable {
    let incoming: IncomingDataset
    init(_ incoming: IncomingDataset) { self.incoming = incoming }
}
