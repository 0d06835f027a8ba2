import Datasets

/// The dataset cache's bookkeeping: what is on disk and in memory, how big, how recently used, and
/// which decoded datasets tasks are using. Pure, so eviction order is easy to reason about.
struct CacheIndex: Sendable {
    struct DiskEntry: Sendable, Equatable {
        let size: Int
        var lastUse: UInt64
    }

    struct MemoryEntry: Sendable {
        let dataset: Dataset
        let size: Int
        var pins = 0
        var lastUse: UInt64
    }

    private(set) var disk: [String: DiskEntry] = [:]
    private(set) var memory: [String: MemoryEntry] = [:]
    /// A use counter: larger is more recent.
    private var clock: UInt64 = 0

    var diskBytes: Int { disk.values.reduce(0) { $0 + $1.size } }
    var memoryBytes: Int { memory.values.reduce(0) { $0 + $1.size } }

    var hashes: Set<String> { Set(disk.keys).union(memory.keys) }

    func isPinned(_ hash: String) -> Bool { (memory[hash]?.pins ?? 0) > 0 }

    mutating func tick() -> UInt64 {
        clock += 1
        return clock
    }

    /// Records a file; `use` orders it among the others (oldest first at startup).
    mutating func addDisk(_ hash: String, size: Int) {
        disk[hash] = DiskEntry(size: size, lastUse: tick())
    }

    mutating func removeDisk(_ hash: String) {
        disk[hash] = nil
    }

    mutating func addMemory(_ hash: String, dataset: Dataset, size: Int, pinned: Bool) {
        let use = tick()
        memory[hash] = MemoryEntry(dataset: dataset, size: size, pins: pinned ? 1 : 0, lastUse: use)
        disk[hash]?.lastUse = use
    }

    /// Marks a use; with `pin`, a task holds the decoded dataset until `unpin`.
    mutating func use(_ hash: String, pin: Bool) -> Dataset? {
        let use = tick()
        disk[hash]?.lastUse = use
        guard memory[hash] != nil else { return nil }
        memory[hash]?.lastUse = use
        if pin { memory[hash]?.pins += 1 }
        return memory[hash]?.dataset
    }

    mutating func unpin(_ hash: String) {
        if let pins = memory[hash]?.pins, pins > 0 { memory[hash]?.pins = pins - 1 }
    }

    mutating func removeMemory(_ hash: String) {
        memory[hash] = nil
    }

    /// Files to delete so the disk holds at most `maxBytes`: least recently used first, never a
    /// dataset a task is using nor `keeping`. Fewer than needed when the rest are in use.
    func diskVictims(maxBytes: Int, keeping: String?) -> [String] {
        var excess = diskBytes - maxBytes
        guard excess > 0 else { return [] }
        var victims: [String] = []
        let candidates = disk.filter { $0.key != keeping && !isPinned($0.key) }
            .sorted { ($0.value.lastUse, $0.key) < ($1.value.lastUse, $1.key) }
        for (hash, entry) in candidates where excess > 0 {
            victims.append(hash)
            excess -= entry.size
        }
        return victims
    }

    /// Decoded datasets to drop so that memory holds at most `maxBytes` beyond what tasks use:
    /// least recently used first, never a pinned one, and only ones with a file to reload them
    /// from (a dataset held only in memory is the worker's one copy).
    func memoryVictims(maxBytes: Int) -> [String] {
        let candidates = memory.filter { $0.value.pins == 0 && disk[$0.key] != nil }
            .sorted { ($0.value.lastUse, $0.key) < ($1.value.lastUse, $1.key) }
        var excess = memory.values.filter { $0.pins == 0 }.reduce(0) { $0 + $1.size } - maxBytes
        guard excess > 0 else { return [] }
        var victims: [String] = []
        for (hash, entry) in candidates where excess > 0 {
            victims.append(hash)
            excess -= entry.size
        }
        return victims
    }
}
