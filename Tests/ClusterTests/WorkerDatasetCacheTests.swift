import Cluster
import Datasets
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct WorkerDatasetCacheTests {
    let capture = WorkerLogCapture()

    func makeCache(_ directory: String?, maxBytes: Int = 10 << 30, shared: SharedDatasets = SharedDatasets()) throws -> DatasetCache {
        try DatasetCache(directory: directory, maxBytes: maxBytes, shared: shared, logger: capture.logger())
    }

    @Test func storesAnEntryAtomicallyAndFindsItAgainAfterARestart() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-store")
        defer { WorkerFixtures.remove(directory) }
        let dataset = WorkerFixtures.dataset()
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let cache = try makeCache(directory)
        try cache.open()
        #expect(try cache.store(bytes, hash: hash) == [])
        // Only the finished entry and its record are there: the temporary file was renamed.
        #expect(WorkerFixtures.files(in: directory) == ["\(hash).cfds", "\(hash).cfds.verified"])
        #expect(FileManager.default.contents(atPath: "\(directory)/\(hash).cfds") == Data(bytes))

        let restarted = try makeCache(directory)
        #expect(try restarted.open() == [hash])
        // Its record vouches for it: the restart does not hash it again.
        #expect(capture.records.last { $0.message == "dataset cache opened" }?.metadata["hashed"]?.description == "0")
        #expect(restarted.locate(hash) == .disk)
        #expect(try restarted.acquire(hash) == dataset)
        restarted.release(hash)
        #expect(restarted.locate(hash) == .memory)
    }

    @Test func refusesBytesThatDoNotHashToTheirName() throws {
        let cache = try makeCache(nil)
        let (bytes, _) = WorkerFixtures.canonical(WorkerFixtures.dataset())
        let wrong = String(repeating: "0", count: 64)
        #expect(throws: DatasetCacheError.self) { try cache.store(bytes, hash: wrong) }
        do {
            try cache.store(bytes, hash: wrong)
        } catch {
            #expect(error.kind == .hashMismatch)
        }
        #expect(cache.locate(wrong) == nil)
    }

    @Test func refusesBytesThatHashRightButAreNoDataset() throws {
        let cache = try makeCache(nil)
        let bytes = [UInt8](repeating: 1, count: 100)
        do {
            try cache.store(bytes, hash: SHA256Hasher.hash(bytes))
            Issue.record("stored bytes that are not a dataset")
        } catch {
            #expect(error.kind == .undecodable)
        }
    }

    @Test func deletesACorruptedEntryWhenOpeningAndLogsIt() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-corrupt")
        defer { WorkerFixtures.remove(directory) }
        let (bytes, hash) = WorkerFixtures.canonical(WorkerFixtures.dataset())
        try makeCache(directory).store(bytes, hash: hash)
        var damaged = bytes
        damaged[100] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: "\(directory)/\(hash).cfds"))

        let cache = try makeCache(directory)
        #expect(try cache.open() == [])
        #expect(WorkerFixtures.files(in: directory).isEmpty)
        #expect(capture.messages(where: "dataset", is: hash)
            .contains("deleted a corrupted cache entry; it will be fetched again when needed"))
        // Not found any more, so the worker fetches it again; storing it again works.
        #expect(cache.locate(hash) == nil)
        try cache.store(bytes, hash: hash)
        #expect(cache.locate(hash) == .memory)
    }

    @Test func refusesToLoadAnEntryDamagedAfterTheCacheWasOpened() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-damaged-later")
        defer { WorkerFixtures.remove(directory) }
        let (bytes, hash) = WorkerFixtures.canonical(WorkerFixtures.dataset())
        try makeCache(directory).store(bytes, hash: hash)
        let cache = try makeCache(directory)
        #expect(try cache.open() == [hash])
        // The first feature takes another's value: still a valid dataset, no longer this one.
        var damaged = bytes
        damaged.replaceSubrange(64..<68, with: bytes[76..<80])
        #expect(damaged != bytes)
        try Data(damaged).write(to: URL(fileURLWithPath: "\(directory)/\(hash).cfds"))

        do {
            _ = try cache.acquire(hash)
            Issue.record("loaded a dataset that no longer matches its hash")
        } catch {
            #expect(error.kind == .notCached)
        }
        #expect(WorkerFixtures.files(in: directory).isEmpty)
        #expect(capture.messages(where: "dataset", is: hash)
            .contains("deleted a corrupted cache entry; it will be fetched again when needed"))
        #expect(cache.locate(hash) == nil)
    }

    @Test func evictsTheLeastRecentlyUsedEntriesOverTheCap() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-lru")
        defer { WorkerFixtures.remove(directory) }
        let entries = (0..<3).map { WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40, seed: $0)) }
        let size = entries[0].bytes.count
        #expect(entries.allSatisfy { $0.bytes.count == size })
        let cache = try makeCache(directory, maxBytes: size * 5 / 2)
        try cache.open()
        try cache.store(entries[0].bytes, hash: entries[0].hash)
        try cache.store(entries[1].bytes, hash: entries[1].hash)
        // Using the first makes the second the least recently used.
        _ = try cache.acquire(entries[0].hash)
        cache.release(entries[0].hash)
        let evicted = try cache.store(entries[2].bytes, hash: entries[2].hash)
        #expect(evicted == [entries[1].hash])
        #expect(Set(WorkerFixtures.files(in: directory)) == Set([entries[0].hash, entries[2].hash].flatMap { ["\($0).cfds", "\($0).cfds.verified"] }))
        #expect(cache.diskBytes == 2 * size)
        #expect(cache.locate(entries[1].hash) == nil)
    }

    @Test func neverEvictsADatasetATaskIsUsing() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-pinned")
        defer { WorkerFixtures.remove(directory) }
        let entries = (0..<2).map { WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40, seed: $0)) }
        let cache = try makeCache(directory, maxBytes: entries[0].bytes.count * 3 / 2)
        try cache.open()
        try cache.store(entries[0].bytes, hash: entries[0].hash)
        _ = try cache.acquire(entries[0].hash)
        // Over the cap, but the only other entry is in use: nothing goes.
        #expect(try cache.store(entries[1].bytes, hash: entries[1].hash) == [])
        #expect(WorkerFixtures.files(in: directory).count == 4, "two entries and their records")
        cache.release(entries[0].hash)
    }

    @Test func restartKeepsTheLeastRecentlyUsedOrderAndTheCap() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-restart")
        defer { WorkerFixtures.remove(directory) }
        let entries = (0..<3).map { WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40, seed: $0)) }
        let size = entries[0].bytes.count
        let first = try makeCache(directory)
        for (index, entry) in entries.enumerated() {
            try first.store(entry.bytes, hash: entry.hash)
            // The records' modification times (touched at each use) order the entries across restarts.
            let seconds = time_t(1_700_000_000 + index * 60)
            var times = [timeval(tv_sec: seconds, tv_usec: 0), timeval(tv_sec: seconds, tv_usec: 0)]
            _ = utimes("\(directory)/\(entry.hash).cfds.verified", &times)
        }
        let smaller = try makeCache(directory, maxBytes: size * 2)
        #expect(try smaller.open() == [entries[1].hash, entries[2].hash].sorted())
    }

    @Test func removesOnlyOldUnfinishedWrites() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-temporary")
        defer { WorkerFixtures.remove(directory) }
        let old = "\(directory)/.\(String(repeating: "a", count: 64)).cfds.1.2.tmp"
        let fresh = "\(directory)/.\(String(repeating: "b", count: 64)).cfds.3.4.tmp"
        #expect(FileManager.default.createFile(atPath: old, contents: Data([1, 2, 3])))
        #expect(FileManager.default.createFile(atPath: fresh, contents: Data([1, 2, 3])))
        var times = [timeval(tv_sec: 1_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000, tv_usec: 0)]
        _ = utimes(old, &times)
        #expect(try makeCache(directory).open() == [])
        #expect(WorkerFixtures.files(in: directory) == [URL(fileURLWithPath: fresh).lastPathComponent])
    }

    @Test func adoptsAnEntryAnotherWorkerOnTheHostStored() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-shared-dir")
        defer { WorkerFixtures.remove(directory) }
        let (bytes, hash) = WorkerFixtures.canonical(WorkerFixtures.dataset())
        let mine = try makeCache(directory)
        try mine.open()
        let neighbour = try makeCache(directory)
        try neighbour.store(bytes, hash: hash)
        #expect(mine.locate(hash) == .disk)
        #expect(try mine.acquire(hash) == WorkerFixtures.dataset())
        mine.release(hash)
    }

    @Test func looksInTheProcessRegistryFirst() throws {
        let shared = SharedDatasets()
        let dataset = WorkerFixtures.dataset()
        let (_, hash) = WorkerFixtures.canonical(dataset)
        let cache = try makeCache(nil, shared: shared)
        #expect(cache.locate(hash) == nil)
        shared.register(hash: hash, dataset: dataset)
        #expect(cache.locate(hash) == .shared)
        #expect(try cache.acquire(hash) == dataset)
        cache.release(hash)
    }

    @Test func acquiringSomethingAbsentSaysItIsNotCached() throws {
        let cache = try makeCache(nil)
        do {
            _ = try cache.acquire(String(repeating: "e", count: 64))
            Issue.record("acquired a dataset that is not there")
        } catch {
            #expect(error.kind == .notCached)
        }
    }

    /// Damage the file system does not see (the disk itself) keeps the file's identity, so its
    /// record still vouches for it at open; `verifyAll` (`crossfold cache verify`) hashes every
    /// entry and finds it.
    @Test func verifyingEveryEntryFindsDamageTheRecordCannotSee() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-verify-all")
        defer { WorkerFixtures.remove(directory) }
        let good = WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40, seed: 1))
        let bad = WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40, seed: 2))
        let first = try makeCache(directory)
        try first.store(good.bytes, hash: good.hash)
        try first.store(bad.bytes, hash: bad.hash)
        var damaged = bad.bytes
        damaged[70] ^= 0x01
        let path = "\(directory)/\(bad.hash).cfds"
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        // As if the bits had flipped under the file system: the record matches the file again.
        try VerifiedFileRecord.write(for: path, sha256: bad.hash)

        let cache = try makeCache(directory)
        #expect(try cache.open() == [bad.hash, good.hash].sorted(), "trusted by its record")
        let report = try cache.verifyAll()
        #expect(report.kept == [good.hash])
        #expect(report.removed.map(\.hash) == [bad.hash])
        #expect(report.removed.first?.reason.contains("hash to") == true)
        #expect(WorkerFixtures.files(in: directory) == ["\(good.hash).cfds", "\(good.hash).cfds.verified"])
    }

    /// A fetch writes chunks in any order to a temporary file, hashing as they become contiguous;
    /// the dataset is usable once admitted (verified), before it is kept (flushed and named).
    @Test func aFetchedDatasetIsUsableBeforeItIsKept() throws {
        let directory = WorkerFixtures.scratchDirectory("cache-fetch")
        defer { WorkerFixtures.remove(directory) }
        let dataset = WorkerFixtures.dataset(rows: 40)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let cache = try makeCache(directory)
        try cache.open()
        let incoming = try cache.receive(hash, size: bytes.count)
        let chunk = 100
        let offsets = Array(stride(from: 0, to: bytes.count, by: chunk))
        // Out of order: the second half first, then the first.
        for offset in offsets.dropFirst(offsets.count / 2) + offsets.prefix(offsets.count / 2) {
            try incoming.write(Array(bytes[offset..<min(bytes.count, offset + chunk)]), at: offset)
        }
        #expect(incoming.isComplete)
        #expect(try cache.admit(incoming) == dataset)
        #expect(cache.locate(hash) == .memory)
        #expect(!WorkerFixtures.files(in: directory).contains("\(hash).cfds"), "not named before it is kept")
        #expect(cache.keep(incoming) == [])
        #expect(WorkerFixtures.files(in: directory) == ["\(hash).cfds", "\(hash).cfds.verified"])
        #expect(try cache.acquire(hash) == dataset)
        cache.release(hash)
    }

    /// Without a cache directory, a fetched dataset lives in an unlinked file: nothing is left.
    @Test func withoutADirectoryNothingIsLeftOnDisk() throws {
        let spool = WorkerFixtures.scratchDirectory("cache-spool")
        defer { WorkerFixtures.remove(spool) }
        let dataset = WorkerFixtures.dataset(rows: 40)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let cache = try DatasetCache(directory: nil, spoolDirectory: spool, logger: capture.logger())
        #expect(try cache.store(bytes, hash: hash) == [])
        #expect(WorkerFixtures.files(in: spool).isEmpty)
        #expect(try cache.acquire(hash) == dataset)
        cache.release(hash)
    }
}
