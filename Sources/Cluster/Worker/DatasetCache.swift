import Datasets
import Foundation
import Logging
import Synchronization

/// A worker's datasets, by canonical hash, in three layers looked at in order:
/// 1. `shared`: datasets this process already holds (an embedded coordinator's, registered by the
///    `EmbeddedCluster` that owns it), so embedded workers never copy a dataset through sockets;
/// 2. datasets open in memory: the canonical file mapped (its features used in place, one mapping
///    shared by every slot) with its labels and ids decoded; a task pins the one it uses, and idle
///    ones are kept up to `memoryMaxBytes` of decoded labels and ids, least recently used first;
/// 3. canonical files `directory/<sha256>.cfds`, at most `maxBytes` in all, evicting the least
///    recently used entries no task is using. Each has a record (`VerifiedFileRecord`) written once
///    its bytes were checked against its name: an entry whose record still matches the file is
///    trusted without hashing it again; any other is hashed, and deleted (and logged) if it does
///    not match, then fetched again when needed. `verifyAll()` hashes every entry on demand.
///
/// A fetched dataset is written to a temporary file in the directory as it arrives
/// (`receive`/`IncomingDataset`, hashed as it is written), used as soon as it is verified
/// (`admit`), and made durable and named afterwards (`keep`), off the path of the folds.
///
/// Every method that reads or writes files or hashes bytes blocks: call it from a thread of its own
/// (the worker's compute and storage threads), never from the event loop or the cooperative pool.
public final class DatasetCache: Sendable {
    /// Where entries are stored; nil keeps fetched datasets only for the life of the process.
    public let directory: String?
    /// Where fetched datasets go without a directory: files unlinked as soon as they are created.
    public let spoolDirectory: String
    /// Cap on the bytes of the files in `directory`.
    public let maxBytes: Int
    /// Cap on the decoded labels and ids of datasets kept open while no task uses them.
    public let memoryMaxBytes: Int
    public let shared: SharedDatasets
    let logger: Logger
    let index = Mutex(CacheIndex())
    /// One lock per dataset, so slots starting together open a file once, not once each.
    private let loadLocks = Mutex<[String: LoadLock]>([:])

    /// Creates the cache directory when it is missing (nothing is read yet: see `open()`).
    /// - Parameter shared: datasets this process holds outside the cache (an embedded cluster's).
    /// - Throws: `DatasetCacheError` (`unwritable`) when the directory cannot be created.
    public init(
        directory: String?,
        maxBytes: Int = 10 << 30,
        memoryMaxBytes: Int = 1 << 30,
        shared: SharedDatasets = SharedDatasets(),
        spoolDirectory: String? = nil,
        logger: Logger
    ) throws(DatasetCacheError) {
        if let directory { try CacheFiles.makeDirectory(directory) }
        self.directory = directory
        self.spoolDirectory = spoolDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        self.maxBytes = max(0, maxBytes)
        self.memoryMaxBytes = max(0, memoryMaxBytes)
        self.shared = shared
        self.logger = logger
    }

    /// Reads the directory: entries with a matching record are trusted, others are hashed and kept
    /// (with a new record) or deleted (and logged); temporary files left by an interrupted write
    /// more than an hour ago are removed; entries over the size cap are evicted, least recently
    /// used first.
    /// - Returns: the hashes of the entries kept.
    /// - Throws: `DatasetCacheError` (`unreadable`) when the directory cannot be listed.
    @discardableResult
    public func open() throws(DatasetCacheError) -> [String] {
        guard let directory else { return [] }
        let started = ContinuousClock.now
        var found: [(hash: String, size: Int, used: Double)] = []
        var hashed = 0
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
            if VerifiedFileRecord.isRecord(name) {
                // A record whose entry is gone (deleted by hand, or evicted mid-way) goes too.
                let entry = String(name.dropLast(".verified".count))
                if CacheFiles.status("\(directory)/\(entry)") == nil { CacheFiles.remove(path) }
                continue
            }
            guard let hash = CacheFiles.hash(ofEntryNamed: name), let status = CacheFiles.status(path) else { continue }
            if !VerifiedFileRecord.vouches(for: path, sha256: hash) {
                hashed += 1
                guard verify(path, hash: hash) else { continue }
            }
            found.append((hash, status.size, CacheFiles.lastUse(of: path) ?? status.modified))
        }
        found.sort { ($0.used, $0.hash) < ($1.used, $1.hash) }
        index.withLock { index in
            for entry in found { index.addDisk(entry.hash, size: entry.size) }
        }
        _ = evictFiles(keeping: nil)
        let kept = index.withLock { $0.disk.keys.sorted() }
        logger.info("dataset cache opened", metadata: [
            "directory": "\(directory)", "entries": "\(kept.count)", "bytes": "\(diskBytes)", "hashed": "\(hashed)",
            "seconds": "\((ContinuousClock.now - started).seconds)",
        ])
        return kept
    }

    /// Hashes every entry (whatever its record says), deleting those that no longer match and
    /// renewing the records of those that do: damage below the file system shows only this way.
    /// - Returns: the hashes kept and, for each entry deleted, why.
    public func verifyAll() throws(DatasetCacheError) -> (kept: [String], removed: [(hash: String, reason: String)]) {
        guard let directory else { return ([], []) }
        var kept: [String] = []
        var removed: [(String, String)] = []
        for name in try CacheFiles.list(directory) {
            guard let hash = CacheFiles.hash(ofEntryNamed: name) else { continue }
            let path = "\(directory)/\(name)"
            if let reason = mismatch(path, hash: hash) {
                delete(path, hash: hash, reason: reason)
                removed.append((hash, reason))
            } else {
                try? VerifiedFileRecord.write(for: path, sha256: hash)
                kept.append(hash)
            }
        }
        return (kept, removed)
    }

    /// Hashes of the datasets open or on disk (not the shared registry's).
    public var hashes: [String] { index.withLock { $0.hashes.sorted() } }

    /// Bytes of the files in the cache directory.
    public var diskBytes: Int { index.withLock { $0.diskBytes } }

    /// Where `hash` can be had without fetching, or nil. A file another worker on this host stored
    /// since `open()` is checked (by its record, or hashed) and adopted, so a dataset travels once
    /// per host when workers share a cache directory.
    public func locate(_ hash: String) -> DatasetOrigin? {
        if shared.dataset(hash) != nil { return .shared }
        let (inMemory, onDisk) = index.withLock { ($0.memory[hash] != nil, $0.disk[hash] != nil) }
        if inMemory { return .memory }
        guard let directory else { return nil }
        let path = entryPath(hash, in: directory)
        guard let status = CacheFiles.status(path) else {
            if onDisk { index.withLock { $0.removeDisk(hash) } }
            return nil
        }
        if onDisk { return .disk }
        guard VerifiedFileRecord.vouches(for: path, sha256: hash) || verify(path, hash: hash) else { return nil }
        index.withLock { $0.addDisk(hash, size: status.size) }
        _ = evictFiles(keeping: hash)
        return .disk
    }

    /// The dataset for a task, pinned (kept open, never evicted) until `release`. Opens the file
    /// when it is not open yet: maps it and decodes its labels and ids. A file whose record no
    /// longer matches is hashed first; one that does not decode or hash right is deleted.
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
            let path = entryPath(hash, in: directory)
            // open() or locate() checked the file, but it may have changed on disk since (a stray
            // write, a truncation): a task must train on exactly what the hash names.
            if !VerifiedFileRecord.vouches(for: path, sha256: hash), let reason = mismatch(path, hash: hash) {
                delete(path, hash: hash, reason: reason)
                throw DatasetCacheError(.notCached, "dataset \(hash) changed on disk since it was cached: \(reason)")
            }
            let dataset: Dataset
            do {
                dataset = try CanonicalDataset.open(path: path)
            } catch {
                delete(path, hash: hash, reason: "\(error)")
                throw DatasetCacheError(.notCached, "dataset \(hash) could not be read from the cache: \(error)")
            }
            CacheFiles.touch(VerifiedFileRecord.path(for: path))
            index.withLock { $0.addMemory(hash, dataset: dataset, size: Self.openBytes(dataset), pinned: true) }
            trimMemory()
            return dataset
        }
    }

    /// Ends a task's use of a dataset from `acquire`.
    public func release(_ hash: String) {
        index.withLock { $0.unpin(hash) }
        trimMemory()
    }

    /// Starts receiving a dataset of `size` bytes: a temporary file in the cache directory, or an
    /// unlinked one in the spool directory when there is none.
    /// - Throws: `DatasetCacheError` (`unwritable`).
    /// With `chunks`, every chunk is checked against its digest as it is written (a fetch that
    /// got the dataset's manifest).
    public func receive(_ hash: String, size: Int, chunks: IncomingDataset.Chunks? = nil) throws(DatasetCacheError) -> IncomingDataset {
        let folder = directory ?? spoolDirectory
        let path = "\(folder)/\(DurableFile.temporaryName(for: CacheFiles.entryName(hash)))"
        do {
            return try IncomingDataset(
                path: path, hash: hash, size: size, name: "dataset \(hash)", unlinked: directory == nil, chunks: chunks)
        } catch {
            throw DatasetCacheError(.unwritable, "\(error.message); check the cache directory's permissions and free space")
        }
    }

    /// Checks a received dataset against its hash, opens it and keeps it open for tasks: usable
    /// at once, before `keep` makes it durable.
    /// - Throws: `DatasetCacheError` (`hashMismatch`, `undecodable`) when the bytes are not the dataset.
    public func admit(_ incoming: IncomingDataset) throws(DatasetCacheError) -> Dataset {
        let file: MappedFile
        do {
            file = try incoming.finish(durable: false)
        } catch {
            incoming.discard()
            throw DatasetCacheError(error.rule == .malformed ? .hashMismatch : .unwritable, error.message)
        }
        let dataset: Dataset
        do {
            dataset = try CanonicalDataset.open(file)
        } catch {
            incoming.discard()
            throw DatasetCacheError(.undecodable, "dataset \(incoming.hash) does not decode: \(error)")
        }
        index.withLock { $0.addMemory(incoming.hash, dataset: dataset, size: Self.openBytes(dataset), pinned: false) }
        return dataset
    }

    /// Makes an admitted dataset a cache entry: flushed, renamed into place, recorded. Without a
    /// directory, over the size cap, or when the write fails (logged), the dataset stays open for
    /// this process only.
    /// - Returns: hashes evicted to make room (no longer held at all).
    @discardableResult
    public func keep(_ incoming: IncomingDataset) -> [String] {
        let hash = incoming.hash
        guard let directory else { return [] }
        guard incoming.size <= maxBytes else {
            incoming.discard()
            logger.warning("dataset larger than the cache's size cap; kept for this process only", metadata: [
                "dataset": "\(hash)", "bytes": "\(incoming.size)", "cap": "\(maxBytes)",
            ])
            return []
        }
        let path = entryPath(hash, in: directory)
        do {
            try incoming.keep(at: path, durable: true)
            try? DurableFile.syncDirectory(directory)
            try VerifiedFileRecord.write(for: path, sha256: hash)
        } catch {
            incoming.discard()
            logger.warning("cannot write the dataset to the cache; kept for this process only", metadata: [
                "dataset": "\(hash)", "error": "\(error)",
            ])
            return []
        }
        index.withLock { $0.addDisk(hash, size: incoming.size) }
        logger.info("dataset verified and cached", metadata: ["dataset": "\(hash)", "bytes": "\(incoming.size)"])
        let evicted = evictFiles(keeping: hash)
        trimMemory()
        return evicted
    }

    /// Receives, admits and keeps bytes held in memory (tests, small datasets).
    /// - Returns: hashes evicted to make room.
    /// - Throws: `DatasetCacheError` (`hashMismatch`, `undecodable`, `unwritable`).
    @discardableResult
    public func store(_ bytes: [UInt8], hash: String) throws(DatasetCacheError) -> [String] {
        let incoming = try receive(hash, size: bytes.count)
        do {
            try incoming.write(bytes, at: 0)
        } catch {
            incoming.discard()
            throw DatasetCacheError(.unwritable, error.message)
        }
        _ = try admit(incoming)
        return keep(incoming)
    }

    func entryPath(_ hash: String, in directory: String) -> String {
        "\(directory)/\(CacheFiles.entryName(hash))"
    }

    /// Memory a dataset holds open: its decoded labels, ids and groups (the features are mapped).
    static func openBytes(_ dataset: Dataset) -> Int {
        dataset.labels.count + 16 * dataset.rowCount * (dataset.groups == nil ? 1 : 2)
    }

    /// Why the file's bytes are not the dataset `hash` names, or nil when they are.
    private func mismatch(_ path: String, hash: String) -> String? {
        do {
            let actual = try VerifiedFileRecord.hashFile(path)
            return actual == hash ? nil : "its bytes hash to \(actual)"
        } catch {
            return "it cannot be read: \(error)"
        }
    }

    /// Hashes a file against its name; records it when it matches, deletes and logs it when not.
    private func verify(_ path: String, hash: String) -> Bool {
        if let reason = mismatch(path, hash: hash) {
            delete(path, hash: hash, reason: reason)
            return false
        }
        try? VerifiedFileRecord.write(for: path, sha256: hash)
        return true
    }

    private func delete(_ path: String, hash: String, reason: String) {
        CacheFiles.remove(path)
        VerifiedFileRecord.remove(for: path)
        index.withLock {
            $0.removeDisk(hash)
            if !$0.isPinned(hash) { $0.removeMemory(hash) }
        }
        logger.warning("deleted a corrupted cache entry; it will be fetched again when needed", metadata: [
            "dataset": "\(hash)", "file": "\(path)", "reason": "\(reason)",
        ])
    }

    /// Deletes least recently used files until the cache fits its cap; returns their hashes.
    private func evictFiles(keeping: String?) -> [String] {
        guard let directory else { return [] }
        let victims = index.withLock { index in
            let victims = index.diskVictims(maxBytes: maxBytes, keeping: keeping)
            for hash in victims {
                index.removeDisk(hash)
                // Unpinned by construction; without its file it must not linger open either.
                index.removeMemory(hash)
            }
            return victims
        }
        for hash in victims {
            let path = entryPath(hash, in: directory)
            CacheFiles.remove(path)
            VerifiedFileRecord.remove(for: path)
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

/// Serialises the opening of one dataset.
private final class LoadLock: Sendable {
    let mutex = Mutex(())
}
