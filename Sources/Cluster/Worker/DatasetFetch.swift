import Datasets
import Wire

/// One dataset coming over the data socket, the Guide's credit-based transfer (fileio3): `credit`
/// chunks in flight, one more asked for per chunk taken, where a chunk is in flight from its FETCH
/// until its bytes are written to the dataset's file (`WorkerOutput.writeChunk`), so a disk slower
/// than the network slows the requests instead of piling chunks up in memory. The size the first
/// reply announces is the coordinator's claim, checked against the worker's limit; nothing is
/// allocated for it. Which chunks arrived and were written is kept per chunk, so after a reconnect
/// or a stall the transfer resumes with what is missing.
///
/// Kept in a dictionary of the core and mutated in place (`fetches[hash]?.receive(...)`).
struct DatasetFetch: Sendable {
    enum Receipt: Equatable {
        /// New bytes: write them at `offset`.
        case accepted
        /// A chunk received before (a re-asked one arriving twice); nothing changes.
        case duplicate
        /// A reply that cannot belong to this dataset: the fetch fails with this reason.
        case invalid(String)
    }

    let hash: String
    let chunkBytes: Int
    let credit: Int
    let maxBytes: Int
    let startedAt: Duration
    /// Last time a chunk arrived or requests were (re)issued, for the stall check.
    private(set) var lastActivity: Duration
    /// The blob's size, known from the first CHUNK.
    private(set) var size: Int?
    private var received: [Bool] = []
    private(set) var receivedCount = 0
    private(set) var writtenCount = 0
    /// Chunk indices asked for and not received yet.
    private(set) var outstanding: Set<Int> = []
    /// Chunk indices received and not written yet.
    private(set) var writing: Set<Int> = []
    /// No chunk below this index is both missing and not outstanding.
    private var cursor = 0

    init(hash: String, chunkBytes: Int, credit: Int, maxBytes: Int, now: Duration) {
        self.hash = hash
        self.chunkBytes = chunkBytes
        self.credit = credit
        self.maxBytes = maxBytes
        startedAt = now
        lastActivity = now
    }

    var chunkCount: Int? { size.map { ($0 + chunkBytes - 1) / chunkBytes } }

    /// Every chunk arrived and is written.
    var isComplete: Bool { chunkCount.map { writtenCount == $0 } ?? false }

    /// Bytes received so far.
    var receivedBytes: Int {
        guard let size, let count = chunkCount, count > 0 else { return 0 }
        // Every chunk is whole except perhaps the last.
        let lastSize = size - (count - 1) * chunkBytes
        return receivedCount * chunkBytes - (received[count - 1] ? chunkBytes - lastSize : 0)
    }

    /// The FETCH requests to send now so that `credit` chunks are in flight: while the size is
    /// unknown, only the first chunk (asking past the end would be answered MISSING).
    mutating func requests(now: Duration) -> [FetchRequest] {
        guard let size, let count = chunkCount else {
            guard outstanding.isEmpty else { return [] }
            outstanding.insert(0)
            lastActivity = now
            return [FetchRequest(dataset: hash, offset: 0, length: chunkBytes)]
        }
        var requests: [FetchRequest] = []
        while outstanding.count + writing.count < credit, cursor < count {
            let index = cursor
            cursor += 1
            guard !received[index], !outstanding.contains(index) else { continue }
            outstanding.insert(index)
            let offset = index * chunkBytes
            requests.append(FetchRequest(dataset: hash, offset: offset, length: min(chunkBytes, size - offset)))
        }
        if !requests.isEmpty { lastActivity = now }
        return requests
    }

    /// Takes one CHUNK: checks it fits the dataset; the caller writes accepted bytes and reports
    /// them with `written`.
    mutating func receive(_ chunk: DataReply.Chunk, bytes: [UInt8], now: Duration) -> Receipt {
        if size == nil {
            guard chunk.size >= CanonicalDataset.headerLength else {
                return .invalid("the coordinator reports \(chunk.size) bytes, too few for a dataset")
            }
            guard chunk.size <= maxBytes else {
                return .invalid("the dataset has \(chunk.size) bytes, more than this worker's limit of \(maxBytes)")
            }
            size = chunk.size
            received = [Bool](repeating: false, count: chunkCount ?? 0)
        }
        guard let size, chunk.size == size else {
            return .invalid("the coordinator reports \(chunk.size) bytes for a dataset of \(size ?? 0)")
        }
        let offset = chunk.offset
        guard offset % chunkBytes == 0, offset < size else {
            return .invalid("a chunk at offset \(offset) does not start a \(chunkBytes)-byte chunk of \(size) bytes")
        }
        let index = offset / chunkBytes
        let expected = min(chunkBytes, size - offset)
        guard bytes.count == expected else {
            return .invalid("the chunk at offset \(offset) has \(bytes.count) bytes, expected \(expected)")
        }
        outstanding.remove(index)
        lastActivity = now
        guard !received[index] else { return .duplicate }
        received[index] = true
        receivedCount += 1
        writing.insert(index)
        return .accepted
    }

    /// The chunk at `offset` is written to the file.
    mutating func written(offset: Int) {
        guard writing.remove(offset / chunkBytes) != nil else { return }
        writtenCount += 1
    }

    /// A FETCH the socket refused: ask it again on the next call to `requests`.
    mutating func refused(_ request: FetchRequest) {
        let index = request.offset / chunkBytes
        outstanding.remove(index)
        cursor = min(cursor, index)
    }

    /// Forgets what was asked (a new connection, or a stall): the next `requests` asks again for
    /// every missing chunk, from the first.
    mutating func resetOutstanding() {
        outstanding.removeAll()
        cursor = 0
    }

    /// Requests are outstanding and nothing arrived for `limit`.
    func isStalled(now: Duration, limit: Duration) -> Bool {
        !outstanding.isEmpty && now - lastActivity >= limit
    }
}
