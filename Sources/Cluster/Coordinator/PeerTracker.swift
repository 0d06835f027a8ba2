import Wire

/// Who holds which chunks of the datasets being handed out, and who should take which chunk from
/// the coordinator (docs/PROTOCOL.md, Peer distribution). Pure: the core feeds it the fetchers'
/// SOURCES reports and the workers that hold whole datasets, with the time.
///
/// Policy, as Spark's TorrentBroadcast and BitTorrent's trackers do it, adapted so that the
/// coordinator's link carries each chunk about once: a chunk that some usable peer holds is taken
/// from a peer; a chunk that no usable peer holds is *assigned* to exactly one of the fetchers
/// that lack it (chunk `i` to the `i mod n`-th of them, by endpoint), which takes it from the
/// coordinator; the others wait for it to appear at that fetcher. Fetchers report every 250 ms, so
/// what one gets the others see a moment later. A chunk a fetcher has already asked of the
/// coordinator (its claim), or was assigned in its last answer, stays its own until its next
/// report, whoever joins meanwhile. A fetcher that serves nothing
/// (no endpoint) is not counted in the sharing and gets every chunk no usable peer holds.
struct PeerTracker: Sendable {
    /// A fetcher's last report.
    struct Fetcher: Sendable, Equatable {
        var held: ChunkSet
        /// Chunks it asked of the coordinator and has not written yet.
        var claimed: ChunkSet
        /// The chunks the last answer assigned it: no one else is assigned them before its next
        /// report, so fetchers joining meanwhile do not ask the coordinator for the same ones.
        var assigned: ChunkSet
        var publicKey: String?
        var reportedAt: Duration
    }

    /// A worker that holds a whole dataset and serves it.
    struct Holder: Sendable, Equatable {
        let endpoint: String
        let publicKey: String?
    }

    /// A fetcher silent this long has stopped (finished, or gone).
    var expiry: Duration = .seconds(3)
    /// Fetchers of each dataset, by endpoint.
    private(set) var fetchers: [String: [String: Fetcher]] = [:]

    /// Records a fetcher's report (one with no endpoint serves nothing and is not remembered) and
    /// returns its answer: the peers it can take chunks from (whole-dataset `holders` first, then
    /// other fetchers with the most chunks it lacks, at most `WireProtocol.maxPeers`), and the
    /// chunks assigned to it.
    mutating func report(
        _ request: SourcesRequest, held: ChunkSet, claimed: ChunkSet? = nil, publicKey: String?, holders: [Holder],
        now: Duration
    ) -> (sources: Sources, assigned: ChunkSet, held: [ChunkSet]) {
        let claimed = claimed ?? ChunkSet(count: held.count)
        expire(now: now)
        let dataset = request.dataset
        if let endpoint = request.endpoint {
            fetchers[dataset, default: [:]][endpoint] = Fetcher(
                held: held, claimed: claimed, assigned: ChunkSet(count: held.count), publicKey: publicKey, reportedAt: now)
        }
        let excluded = Set(request.excluded)
        let me = request.endpoint
        let chunks = request.chunks
        let usableHolders = holders.filter { $0.endpoint != me && !excluded.contains($0.endpoint) }
        // Other fetchers of the same dataset (the same chunk count: a count that differs is a
        // report about some other file and is left out).
        let others = (fetchers[dataset] ?? [:])
            .filter { $0.key != me && $0.value.held.count == chunks }
            .sorted { $0.key < $1.key }
        let usableOthers = others.filter { !excluded.contains($0.key) && !$0.value.held.isEmpty }

        var assigned = ChunkSet(count: chunks)
        if usableHolders.isEmpty {
            // Chunk i goes to the (i mod n)-th of the fetchers that lack it, among those that
            // serve, so each leaves the coordinator once; a fetcher that serves nothing takes
            // every chunk no usable peer has.
            let sharers = others.filter { !excluded.contains($0.key) }
            for index in 0..<chunks where !held.contains(index) {
                if usableOthers.contains(where: { $0.value.held.contains(index) }) { continue }
                if claimed.contains(index) {
                    assigned.insert(index)
                    continue
                }
                if sharers.contains(where: { $0.value.claimed.contains(index) || $0.value.assigned.contains(index) }) { continue }
                guard let me else {
                    assigned.insert(index)
                    continue
                }
                var lacking = sharers.filter { !$0.value.held.contains(index) }.map(\.key)
                lacking.append(me)
                lacking.sort()
                if lacking[index % lacking.count] == me { assigned.insert(index) }
            }
        }

        if let me { fetchers[dataset]?[me]?.assigned = assigned }

        // Peers to offer: whole-dataset holders, then the fetchers with the most chunks this one
        // lacks; ties broken by a hash of both endpoints, so fetchers spread over the peers.
        let wanted = chunks - held.members
        var offers: [(endpoint: String, key: String?, held: ChunkSet, useful: Int)] =
            usableHolders.map { ($0.endpoint, $0.publicKey, ChunkSet.all(chunks), wanted) }
        offers += usableOthers.map { entry in
            let useful = entry.value.held.indices.reduce(0) { $0 + (held.contains($1) ? 0 : 1) }
            return (entry.key, entry.value.publicKey, entry.value.held, useful)
        }.filter { $0.useful > 0 }
        offers.sort { a, b in
            if a.useful != b.useful { return a.useful > b.useful }
            return Self.spread(me ?? "", a.endpoint) < Self.spread(me ?? "", b.endpoint)
        }
        let chosen = offers.prefix(WireProtocol.maxPeers)
        let sources = Sources(
            dataset: dataset, chunks: chunks,
            peers: chosen.map { Sources.Peer(endpoint: $0.endpoint, publicKey: $0.key) })
        return (sources, assigned, chosen.map(\.held))
    }

    /// Forgets fetchers silent for `expiry`.
    mutating func expire(now: Duration) {
        for dataset in Array(fetchers.keys) {
            fetchers[dataset] = fetchers[dataset]?.filter { now - $0.value.reportedAt < expiry }
            if fetchers[dataset]?.isEmpty == true { fetchers[dataset] = nil }
        }
    }

    /// Forgets a fetcher at once (its worker left).
    mutating func forget(endpoint: String) {
        for dataset in Array(fetchers.keys) {
            fetchers[dataset]?[endpoint] = nil
            if fetchers[dataset]?.isEmpty == true { fetchers[dataset] = nil }
        }
    }

    /// FNV-1a of both endpoints: a fixed but fetcher-specific order among equally useful peers.
    static func spread(_ a: String, _ b: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in a.utf8 + [0] + b.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
