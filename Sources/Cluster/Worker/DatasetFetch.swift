import Datasets
import Wire

/// One dataset coming to this worker in chunks, from the coordinator and from other workers
/// (docs/PROTOCOL.md, Data socket and Peer distribution). Pure: the core feeds it replies and the
/// time and sends what it asks for.
///
/// The fetch first gets the dataset's MANIFEST (its chunk digests) from the coordinator, then
/// reports what it holds with SOURCES every `sourcesInterval`; each answer names peers holding
/// chunks and the chunks assigned to this worker, which it takes from the coordinator. A chunk is
/// asked of one source at a time: of a peer holding it (up to `peerCredit` per peer) or, if
/// assigned, of the coordinator (up to `credit`, the Guide's fileio3 credit). A chunk counts as in
/// flight from its FETCH until it is written, and every chunk is checked against its digest
/// before it is written, so a peer cannot slip in a wrong byte: one that sends a chunk that fails
/// its digest, or that stops answering, is not asked again for this dataset, and its chunks go
/// back to the pool. A wrong chunk from the coordinator itself fails the fetch.
struct DatasetFetch: Sendable {
    enum Source: Hashable, Sendable, CustomStringConvertible {
        case coordinator
        case peer(String)

        var description: String {
            switch self {
            case .coordinator: "the coordinator"
            case .peer(let endpoint): endpoint
            }
        }
    }

    /// What the fetch knows of a peer.
    struct Peer: Sendable, Equatable {
        var publicKey: String?
        var held: ChunkSet
        /// Requests in flight: asked and not yet written.
        var outstanding = 0
        /// It said BUSY: not asked again before this.
        var busyUntil: Duration = .zero
        /// Requests it let time out.
        var strikes = 0
    }

    enum Receipt: Equatable {
        /// New bytes of chunk `index`: check and write them.
        case accepted(index: Int)
        /// Bytes of a chunk held or being written already; nothing changes.
        case duplicate
        /// A reply that cannot belong to this dataset: from the coordinator the fetch fails; from a
        /// peer, the peer is excluded.
        case invalid(String)
    }

    struct Settings: Sendable {
        var credit: Int
        var peerCredit: Int
        var peerTimeout: Duration
        var stallTimeout: Duration
        var sourcesInterval: Duration
        var maxBytes: Int
        /// Where chunk scans start (a hash of the worker's name), so fetchers ask peers for
        /// different chunks first.
        var seed: Int
    }

    let hash: String
    let settings: Settings
    let startedAt: Duration
    private(set) var manifest: Manifest?
    private(set) var digests: [UInt8] = []
    /// Chunks checked and written.
    private(set) var held = ChunkSet(count: 0)
    /// Chunks this worker takes from the coordinator (the last SOURCES).
    private(set) var assigned = ChunkSet(count: 0)
    private(set) var outstanding: [Int: (source: Source, since: Duration)] = [:]
    /// Chunks received and being checked and written, with their sender and whether its credit
    /// is still held for them.
    private(set) var writing: [Int: (source: Source, charged: Bool)] = [:]
    private(set) var peers: [String: Peer] = [:]
    private(set) var excluded: Set<String> = []
    /// Coordinator requests in flight: asked and not yet written.
    private(set) var coordinatorOutstanding = 0
    /// Last time a coordinator chunk arrived or coordinator requests went out, for the stall check.
    private(set) var lastActivity: Duration
    /// When MANIFEST was last asked for (nil: not yet, or the socket refused it).
    private(set) var manifestAskedAt: Duration?
    private(set) var sourcesSentAt: Duration?
    private(set) var sourcesAnswered = false
    /// Bytes received from the coordinator and from peers, for the log.
    private(set) var bytesFromCoordinator = 0
    private(set) var bytesFromPeers = 0

    init(hash: String, settings: Settings, now: Duration) {
        self.hash = hash
        self.settings = settings
        startedAt = now
        lastActivity = now
    }

    var chunkCount: Int { manifest?.chunkCount ?? 0 }
    var size: Int? { manifest?.size }
    var isComplete: Bool { manifest != nil && held.isComplete }
    /// Peers currently worth a connection.
    var usablePeers: Set<String> { Set(peers.keys) }

    /// The MANIFEST request to send now: at first, again when the socket refused it (no
    /// connection yet), and again every 2 s while no answer comes (a reply lost with its
    /// connection).
    mutating func manifestRequest(now: Duration) -> DataRequest? {
        guard manifest == nil else { return nil }
        if let asked = manifestAskedAt, now - asked < .seconds(2) { return nil }
        manifestAskedAt = now
        return .manifest(DatasetRef(dataset: hash))
    }

    /// The socket refused MANIFEST or SOURCES: sent again on the next tick.
    mutating func requestRefused(_ request: DataRequest) {
        switch request {
        case .manifest: manifestAskedAt = nil
        case .sources: sourcesSentAt = nil
        case .fetch(let fetch): refused(fetch, source: .coordinator)
        }
    }

    /// Takes the coordinator's MANIFEST; returns why it is unusable, or nil.
    mutating func takeManifest(_ manifest: Manifest, digests: [UInt8]) -> String? {
        guard self.manifest == nil else { return nil }
        guard manifest.dataset == hash else { return "the coordinator sent the manifest of \(manifest.dataset)" }
        guard manifest.size >= CanonicalDataset.headerLength else {
            return "the coordinator reports \(manifest.size) bytes, too few for a dataset"
        }
        guard manifest.size <= settings.maxBytes else {
            return "the dataset has \(manifest.size) bytes, more than this worker's limit of \(settings.maxBytes)"
        }
        guard digests.count == manifest.chunkCount * Manifest.digestBytes else {
            return "the manifest has \(digests.count / Manifest.digestBytes) digests for \(manifest.chunkCount) chunks"
        }
        self.manifest = manifest
        self.digests = digests
        held = ChunkSet(count: manifest.chunkCount)
        assigned = ChunkSet(count: manifest.chunkCount)
        return nil
    }

    /// The SOURCES to send (what this worker holds, whom it excludes), once the manifest is in.
    mutating func sourcesRequest(endpoint: String?, now: Duration) -> DataRequest? {
        guard let manifest else { return nil }
        sourcesSentAt = now
        let request = SourcesRequest(dataset: hash, chunks: manifest.chunkCount, endpoint: endpoint, excluded: excluded.sorted())
        var claimed = ChunkSet(count: manifest.chunkCount)
        for (index, asked) in outstanding where asked.source == .coordinator { claimed.insert(index) }
        for (index, entry) in writing where entry.source == .coordinator { claimed.insert(index) }
        return .sources(request, held: held, claimed: claimed)
    }

    /// Whether a SOURCES report is due: every `sourcesInterval` once answered, and again after a
    /// second without an answer (it may have been dropped).
    func sourcesDue(now: Duration) -> Bool {
        guard manifest != nil, !isComplete, let sentAt = sourcesSentAt else { return manifest != nil && !isComplete }
        return now - sentAt >= (sourcesAnswered ? settings.sourcesInterval : .seconds(1))
    }

    /// Takes the coordinator's SOURCES; returns the peers it names that were not known before.
    mutating func takeSources(_ sources: Sources, assigned: ChunkSet, held heldByPeers: [ChunkSet]) -> [String] {
        guard let manifest, sources.dataset == hash, sources.chunks == manifest.chunkCount,
              assigned.count == manifest.chunkCount, heldByPeers.count == sources.peers.count
        else { return [] }
        sourcesAnswered = true
        self.assigned = assigned
        var listed: Set<String> = []
        var added: [String] = []
        for (peer, set) in zip(sources.peers, heldByPeers) where !excluded.contains(peer.endpoint) && set.count == manifest.chunkCount {
            listed.insert(peer.endpoint)
            if peers[peer.endpoint] == nil {
                peers[peer.endpoint] = Peer(publicKey: peer.publicKey, held: set)
                added.append(peer.endpoint)
            } else {
                peers[peer.endpoint]?.held = set
                peers[peer.endpoint]?.publicKey = peer.publicKey
            }
        }
        // A peer no longer named holds nothing this worker should ask for; it is dropped once its
        // requests are answered or time out.
        for endpoint in peers.keys where !listed.contains(endpoint) {
            peers[endpoint]?.held = ChunkSet(count: manifest.chunkCount)
            if peers[endpoint]?.outstanding == 0 { peers[endpoint] = nil }
        }
        return added
    }

    /// The FETCH requests to send now, each with its source.
    mutating func requests(now: Duration) -> [(Source, FetchRequest)] {
        guard let manifest, sourcesAnswered, !isComplete else { return [] }
        var out: [(Source, FetchRequest)] = []
        for endpoint in peers.keys.sorted() {
            guard var peer = peers[endpoint], peer.busyUntil <= now else { continue }
            while peer.outstanding < settings.peerCredit,
                  let index = nextChunk(from: settings.seed, where: { peer.held.contains($0) }) {
                peer.outstanding += 1
                outstanding[index] = (.peer(endpoint), now)
                out.append((.peer(endpoint), fetch(index, manifest)))
            }
            peers[endpoint] = peer
        }
        while coordinatorOutstanding < settings.credit, let index = nextChunk(from: 0, where: { assigned.contains($0) }) {
            coordinatorOutstanding += 1
            outstanding[index] = (.coordinator, now)
            out.append((.coordinator, fetch(index, manifest)))
            lastActivity = now
        }
        return out
    }

    private func fetch(_ index: Int, _ manifest: Manifest) -> FetchRequest {
        let range = manifest.range(of: index)
        return FetchRequest(dataset: hash, offset: range.lowerBound, length: range.count)
    }

    /// The first chunk from `start` on (wrapping) that is needed, not asked for and satisfies
    /// `from`. Peers are asked from a point of the worker's own (`settings.seed`), so fetchers
    /// start on different chunks and soon have something to give each other; the coordinator's
    /// chunks are shared out by the tracker already and go in order.
    private func nextChunk(from start: Int, where from: (Int) -> Bool) -> Int? {
        let count = chunkCount
        guard count > 0 else { return nil }
        let start = start % count
        for step in 0..<count {
            let index = (start + step) % count
            if !held.contains(index), outstanding[index] == nil, writing[index] == nil, from(index) { return index }
        }
        return nil
    }

    /// Takes a CHUNK from `source`: checks it fits the manifest; the caller checks its digest and
    /// writes accepted bytes, and reports them with `written` or `rejected`.
    mutating func receive(_ chunk: DataReply.Chunk, bytes: Int, from source: Source, now: Duration) -> Receipt {
        guard let manifest else { return .invalid("a chunk arrived before the manifest") }
        guard chunk.size == manifest.size else {
            return .invalid("\(source) reports \(chunk.size) bytes for a dataset of \(manifest.size)")
        }
        guard chunk.offset % manifest.chunkBytes == 0, chunk.offset < manifest.size else {
            return .invalid("\(source) sent a chunk at offset \(chunk.offset), which does not start a \(manifest.chunkBytes)-byte chunk")
        }
        let index = chunk.offset / manifest.chunkBytes
        guard bytes == manifest.range(of: index).count else {
            return .invalid("\(source) sent \(bytes) bytes of chunk \(index), expected \(manifest.range(of: index).count)")
        }
        if source == .coordinator { lastActivity = now }
        let askedHere = outstanding[index]?.source == source
        guard !held.contains(index), writing[index] == nil else {
            if askedHere { release(index) }
            return .duplicate
        }
        // The credit stays taken until the chunk is written, so a slow disk slows the requests.
        // A chunk asked of another source (a request that timed out, answered late) frees that
        // source's credit; this one was not charged for it.
        if askedHere {
            outstanding[index] = nil
        } else if outstanding[index] != nil {
            release(index)
        }
        writing[index] = (source, askedHere)
        switch source {
        case .coordinator: bytesFromCoordinator += bytes
        case .peer: bytesFromPeers += bytes
        }
        return .accepted(index: index)
    }

    /// Drops the request for `index` and frees its source's credit.
    private mutating func release(_ index: Int) {
        guard let asked = outstanding.removeValue(forKey: index) else { return }
        uncharge(asked.source)
    }

    /// Chunk `index` passed its digest and is on disk.
    mutating func written(_ index: Int) {
        guard let entry = writing.removeValue(forKey: index) else { return }
        if entry.charged { uncharge(entry.source) }
        held.insert(index)
    }

    /// Chunk `index` failed its digest: the source that sent it, excluded if a peer.
    mutating func rejected(_ index: Int) -> Source? {
        guard let entry = writing.removeValue(forKey: index) else { return nil }
        if entry.charged { uncharge(entry.source) }
        if case .peer(let endpoint) = entry.source { exclude(endpoint) }
        return entry.source
    }

    private mutating func uncharge(_ source: Source) {
        switch source {
        case .coordinator: coordinatorOutstanding -= 1
        case .peer(let endpoint): peers[endpoint]?.outstanding -= 1
        }
    }

    /// A peer declined a FETCH: it lacks the chunk, or is busy for a while.
    mutating func declined(_ declined: Declined, by endpoint: String, now: Duration) {
        guard let manifest, declined.dataset == hash else { return }
        let index = declined.offset / manifest.chunkBytes
        if let asked = outstanding[index], asked.source == .peer(endpoint) { release(index) }
        switch declined.reason {
        case .missing: peers[endpoint]?.held.remove(index)
        case .busy: peers[endpoint]?.busyUntil = now + .milliseconds(500)
        }
    }

    /// Stops asking `endpoint` for this dataset; what it was asked goes back to the pool.
    mutating func exclude(_ endpoint: String) {
        excluded.insert(endpoint)
        for (index, asked) in outstanding where asked.source == .peer(endpoint) { release(index) }
        peers[endpoint] = nil
    }

    /// A FETCH the socket refused: asked again on the next call to `requests`.
    mutating func refused(_ request: FetchRequest, source: Source) {
        guard let manifest else { return }
        let index = request.offset / manifest.chunkBytes
        if let asked = outstanding[index], asked.source == source { release(index) }
    }

    /// A new connection to the coordinator: what was asked of it is asked again, and the manifest
    /// or a SOURCES report goes out anew.
    mutating func coordinatorReconnected() {
        for (index, asked) in outstanding where asked.source == .coordinator { release(index) }
        manifestAskedAt = nil
        sourcesSentAt = nil
        sourcesAnswered = manifest != nil && sourcesAnswered
    }

    /// Requests older than their timeout go back to the pool. A peer that let two time out is
    /// excluded (returned, to log); coordinator requests silent for `stallTimeout` are asked again
    /// (true when that happened).
    mutating func expire(now: Duration) -> (excluded: [String], stalled: Bool) {
        var timedOut: [String: Int] = [:]
        for (index, asked) in outstanding {
            if case .peer(let endpoint) = asked.source, now - asked.since >= settings.peerTimeout {
                release(index)
                timedOut[endpoint, default: 0] += 1
            }
        }
        var newlyExcluded: [String] = []
        for endpoint in timedOut.keys.sorted() {
            peers[endpoint]?.strikes += 1
            if (peers[endpoint]?.strikes ?? 2) >= 2 {
                exclude(endpoint)
                newlyExcluded.append(endpoint)
            }
        }
        var stalled = false
        if coordinatorOutstanding > 0, now - lastActivity >= settings.stallTimeout {
            for (index, asked) in outstanding where asked.source == .coordinator { release(index) }
            lastActivity = now
            stalled = true
        }
        return (newlyExcluded, stalled)
    }

    /// Whether this worker holds chunk `index` checked and written, so it can serve it.
    func holds(_ index: Int) -> Bool { held.contains(index) }
}
