import Datasets
import Foundation
import Logging
import Synchronization

/// A worker's datasets, by canonical hash, in three layers looked at in order:
/// 1. the process-wide registry (`processShared`), where an embedded coordinator in the same
///    process registers what it holds, so embedded workers never copy a dataset through sockets;
/// 2. decoded datasets in memory, shared by every slot (a task pins the one it uses); idle ones are
///    kept up to `memoryMaxBytes`, least recently used dropped first;
/// 3. canonical files `directory/<sha256>.cfds`, written atomically, verified by hash when the cache
///    opens and again when a file is loaded (a corrupted entry is deleted, logged and fetched again
///    when needed), at most `maxBytes` in all, evicting the least recently used entries no task is
///    using.
///
/// Every method that reads or writes files or hashes bytes blocks: call it from a thread of its own
/// (the worker's compute and storage threads), never from the event loop or the cooperative pool.
public final class DatasetCache: Sendable {
    /// The datasets this process holds outside any cache: an embedded coordinator registers its
    /// datasets here, and every worker of the process looks here before fetching.
    public static let processShared = SharedDatasets()

    /// Where entries are stored; nil keeps fetched datasets in memory only.
    public let directory: String?
    /// Cap on the bytes of the files in `directory`.
    public let maxBytes: Int
    /// Cap on decoded datasets kept in memory while no task uses them.
    public let memoryMaxBytes: Int
    public let shared: SharedDatasets
    let logger: Logger
    let index = Mutex(CacheIndex())
    /// One lock per dataset, so slots starting together load a file once, not once each.
    private let loadLocks = Mutex<[String: LoadLock]>([:])

    /// Creates the cache directory when it is missing (nothing is read yet: see `open()`).
    /// - Throws: `DatasetCacheError` (`unwritable`) when the directory cannot be created.
    public init(
        directory: String?,
        maxBytes: Int = 10 << 30,
        memoryMaxBytes: Int = 2 << 30,
        shared: SharedDatasets = DatasetCache.processShared,
        logger: Logger
    ) throws(DatasetCacheError) {
        if let directory { try CacheFiles.makeDirectory(directory) }
        self.directory = directory
        self.maxBytes = max(0, maxBytes)
        self.memoryMaxBytes = max(0, memoryMaxBytes)
        self.shared = shared
        self.logger = logger
    }

    /// Reads the directory: every entry is hashed and a corrupted one deleted (and logged);
    /// temporary files left by an interrupted write more than an hour ago are removed; entries over
    /// the size cap are evicted, least recently modified first. Reads every byte of the cache.
    /// - Returns: the hashes of the entries kept.
    /// - Throws: `DatasetCacheError` (`unreadable`) when the directory cannot be listed.
    @discardableResult
    public func open() throws(DatasetCacheError) -> [String] {
        guard let directory else { return [] }
        let started = ContinuousClock.now
        var found: [(hash: String, size: Int, modified: Double)] = []
        for name in try CacheFiles.list(directory) {
            let path = "\(directory)/\(name)"
            if CacheFiles.isTemporary(name) {
                // Another worker sharing the directory may be writing it right now; only old ones go.
                if let status = CacheFiles.status(path), Date().timeIntervalSince1970 - status.modified > 3600 {
                    CacheFiles.remove(path)
                    logger.info("removed an unfinished cache write", metadata: ["file": "\(path)"])
                }
                continue
            }
            guard let hash = CacheFiles.hash(ofEntryNamed: name), let status = CacheFiles.status(path) else { continue }
            guard verify(path, hash: hash) else { continue }
            found.append((hash, status.size, status.modified))
        }
        found.sort { ($0.modified, $0.hash) < ($1.modified, $1.hash) }
        index.withLock { index in
            for entry in found { index.addDisk(entry.hash, size: entry.size) }
        }
        _ = evictFiles(keeping: nil)
        let kept = index.withLock { $0.disk.keys.sorted() }
        logger.info("dataset cache opened", metadata: [
            "directory": "\(directory)", "entries": "\(kept.count)", "bytes": "\(diskBytes)",
            "seconds": "\((ContinuousClock.now - started).seconds)",
        ])
        return kept
    }

    /// Hashes of the datasets in memory or on disk (not the shared registry's).
    public var hashes: [String] { index.withLock { $0.hashes.sorted() } }

    /// Bytes of the files in the cache directory.
    public var diskBytes: Int { index.withLock { $0.diskBytes } }

    /// Where `hash` can be had without fetching, or nil. A file another worker on this host stored
    /// since `open()` is verified and adopted, so a dataset travels once per host when workers
    /// share a cache directory.
    public func locate(_ hash: String) -> DatasetOrigin? {
        if shared.dataset(hash) != nil { return .shared }
        let (inMemory, onDisk) = index.withLock { ($0.memory[hash] != nil, $0.disk[hash] != nil) }
        if inMemory { return .memory }
        guard let directory else { return nil }
        let path = path(of: hash, in: directory)
        guard let status = CacheFiles.status(path) else {
            if onDisk { index.withLock { $0.removeDisk(hash) } }
            return nil
        }
        if onDisk { return .disk }
        guard verify(path, hash: hash) else { return nil }
        index.withLock { $0.addDisk(hash, size: status.size) }
        _ = evictFiles(keeping: hash)
        return .disk
    }

    /// The decoded dataset for a task, pinned (kept in memory, never evicted) until `release`.
    /// Reads, decodes and hashes the file when it is not in memory yet; a file that no longer
    /// decodes or no longer matches its hash is deleted.
    /// - Throws: `DatasetCacheError` (`notCached`) when the dataset is not here (any more).
    public func acquire(_ hash: String) throws(DatasetCacheError) -> Dataset {
        if let dataset = shared.dataset(hash) { return dataset }
        let lock = loadLocks.withLock { locks in
            if let lock = locks[hash] { return lock }
            let lock = LoadLock()
            locks[hash] = lock
            return lock
        }
        return try lock.mutex.withLock { (_) throws(DatasetCacheError) -> Dataset in
            if let dataset = index.withLock({ $0.use(hash, pin: true) }) { return dataset }
            guard let directory, index.withLock({ $0.disk[hash] != nil }) else {
                throw DatasetCacheError(.notCached, "dataset \(hash) is not in the cache")
            }
            let path = path(of: hash, in: directory)
            let dataset: Dataset
            do {
                dataset = try DatasetReader.load(path: path)
            } catch {
                CacheFiles.remove(path)
                index.withLock { $0.removeDisk(hash) }
                logger.warning("deleted a cache entry that cannot be read", metadata: [
                    "dataset": "\(hash)", "error": "\(error)",
                ])
                throw DatasetCacheError(.notCached, "dataset \(hash) could not be read from the cache: \(error)")
            }
            // open() checked the file against its hash, but it may have changed on disk since (a
            // failing disk, a stray write): a task must train on exactly what the hash names. The
            // decoder accepts only canonical bytes, so the decoded dataset hashes as the file did.
            let actual = CanonicalDataset.sha256(of: dataset)
            guard actual == hash else {
                CacheFiles.remove(path)
                index.withLock { $0.removeDisk(hash) }
                logger.warning("deleted a corrupted cache entry; it will be fetched again when needed", metadata: [
                    "dataset": "\(hash)", "actual_sha256": "\(actual)", "file": "\(path)",
                ])
                throw DatasetCacheError(.notCached, "dataset \(hash) changed on disk since it was cached (its SHA-256 is now \(actual))")
            }
            CacheFiles.touch(path)
            index.withLock { $0.addMemory(hash, dataset: dataset, size: CanonicalDataset.encodedLength(of: dataset), pinned: true) }
            trimMemory()
            return dataset
        }
    }

    /// Ends a task's use of a dataset from `acquire`.
    public func release(_ hash: String) {
        index.withLock { $0.unpin(hash) }
        trimMemory()
    }

    /// Checks fetched bytes against `hash`, decodes them, keeps the dataset in memory and writes
    /// the file (memory only when there is no directory, the dataset exceeds the cap, or the write
    /// fails, which is logged), evicting least recently used files over the cap.
    /// - Returns: hashes evicted to make room (no longer held at all).
    /// - Throws: `DatasetCacheError` (`hashMismatch`, `undecodable`) when the bytes are not the dataset.
    @discardableResult
    public func store(_ bytes: [UInt8], hash: String) throws(DatasetCacheError) -> [String] {
        let actual = SHA256Hasher.hash(bytes)
        guard actual == hash else {
            throw DatasetCacheError(.hashMismatch, "the \(bytes.count) bytes received for dataset \(hash) hash to \(actual)")
        }
        let dataset: Dataset
        do {
            dataset = try CanonicalDataset.decode(bytes, file: "dataset \(hash.prefix(12))")
        } catch {
            throw DatasetCacheError(.undecodable, "dataset \(hash) does not decode: \(error)")
        }
        index.withLock { $0.addMemory(hash, dataset: dataset, size: bytes.count, pinned: false) }
        var evicted: [String] = []
        if let directory {
            if bytes.count > maxBytes {
                logger.warning("dataset larger than the cache's size cap; kept in memory only", metadata: [
                    "dataset": "\(hash)", "bytes": "\(bytes.count)", "cap": "\(maxBytes)",
                ])
            } else {
                do {
                    try CacheFiles.writeAtomically(bytes, directory: directory, name: CacheFiles.entryName(hash))
                    index.withLock { $0.addDisk(hash, size: bytes.count) }
                    evicted = evictFiles(keeping: hash)
                } catch {
                    logger.warning("cannot write the dataset to the cache; kept in memory only", metadata: [
                        "dataset": "\(hash)", "error": "\(error)",
                    ])
                }
            }
        }
        trimMemory()
        return evicted
    }

    func path(of hash: String, in directory: String) -> String {
        "\(directory)/\(CacheFiles.entryName(hash))"
    }

    /// Hashes a file against its name; deletes and logs it when it does not match or cannot be read.
    private func verify(_ path: String, hash: String) -> Bool {
        let actual: String
        do {
            actual = try CacheFiles.hashFile(path)
        } catch {
            CacheFiles.remove(path)
            logger.warning("deleted a cache entry that cannot be read; it will be fetched again when needed", metadata: [
                "dataset": "\(hash)", "error": "\(error)",
            ])
            return false
        }
        guard actual == hash else {
            CacheFiles.remove(path)
            logger.warning("deleted a corrupted cache entry; it will be fetched again when needed", metadata: [
                "dataset": "\(hash)", "actual_sha256": "\(actual)", "file": "\(path)",
            ])
            return false
        }
        return true
    }

    /// Deletes least recently used files until the cache fits its cap; returns their hashes.
    private func evictFiles(keeping: String?) -> [String] {
        guard let directory else { return [] }
        let victims = index.withLock { index in
            let victims = index.diskVictims(maxBytes: maxBytes, keeping: keeping)
            for hash in victims {
                index.removeDisk(hash)
                // Unpinned by construction; without its file it must not linger in memory either.
                index.removeMemory(hash)
            }
            return victims
        }
        for hash in victims {
            CacheFiles.remove(path(of: hash, in: directory))
            logger.info("evicted a dataset from the cache to stay under its size cap", metadata: [
                "dataset": "\(hash)", "cap": "\(maxBytes)",
            ])
        }
        return victims
    }

    private func trimMemory() {
        index.withLock { index in
            for hash in index.memoryVictims(maxBytes: memoryMaxBytes) { index.removeMemory(hash) }
        }
    }
}

/// Serialises the loading of one dataset.
private final class LoadLock: Sendable {
    let mutex = Mutex(())
}
