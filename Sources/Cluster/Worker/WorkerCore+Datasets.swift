import Logging
import Wire

extension WorkerCore {
    /// Makes sure `hash` is on its way: looked up first, fetched if not found. Once per dataset,
    /// however many tasks wait for it.
    mutating func ensure(_ hash: String, into out: inout [WorkerOutput]) {
        guard !available.contains(hash), !resolving.contains(hash), fetches[hash] == nil, !storing.contains(hash)
        else { return }
        resolving.insert(hash)
        out.append(.resolveDataset(hash))
    }

    mutating func resolved(_ hash: String, origin: DatasetOrigin?, into out: inout [WorkerOutput]) {
        guard resolving.remove(hash) != nil else { return }
        if let origin {
            becameAvailable(hash, origin: origin, into: &out)
            return
        }
        fetches[hash] = DatasetFetch(hash: hash, settings: configuration.fetchSettings, now: now)
        out.append(.log(.info, "fetching dataset", ["dataset": "\(hash)"]))
        if let request = fetches[hash]?.manifestRequest(now: now) { out.append(.sendData(request)) }
    }

    /// A reply on the data socket, from the coordinator.
    mutating func receive(_ reply: DataReply, into out: inout [WorkerOutput]) {
        guard case .connected = link else { return }
        // Any message proves the coordinator alive, chunks included: they may queue ahead of beats.
        lastHeard = now
        switch reply {
        case .manifest(let manifest, let digests):
            let hash = manifest.dataset
            guard fetches[hash] != nil, fetches[hash]?.manifest == nil else { return }
            if let problem = fetches[hash]?.takeManifest(manifest, digests: digests) {
                failFetch(hash, reason: problem, into: &out)
                return
            }
            out.append(.beginFetch(hash, manifest, digests: digests))
            reportSources(hash, into: &out)
        case .sources(let sources, let assigned, let held):
            guard let added = fetches[sources.dataset]?.takeSources(sources, assigned: assigned, held: held) else { return }
            if !added.isEmpty {
                out.append(.log(.debug, "peers hold chunks of the dataset", [
                    "dataset": "\(sources.dataset)", "peers": "\(added.joined(separator: ","))",
                ]))
            }
            syncPeerLinks(into: &out)
            request(sources.dataset, into: &out)
        case .chunk(let chunk, let bytes):
            receive(chunk, bytes: bytes, from: .coordinator, into: &out)
        case .missing(let ref):
            guard fetches[ref.dataset] != nil else { return }
            failFetch(ref.dataset, reason: "the coordinator does not hold dataset \(ref.dataset) (MISSING)", into: &out)
        case .declined:
            break
        }
    }

    /// A reply from another worker's data port.
    mutating func receive(peer endpoint: String, _ reply: DataReply, into out: inout [WorkerOutput]) {
        switch reply {
        case .chunk(let chunk, let bytes):
            receive(chunk, bytes: bytes, from: .peer(endpoint), into: &out)
        case .declined(let declined):
            fetches[declined.dataset]?.declined(declined, by: endpoint, now: now)
            request(declined.dataset, into: &out)
        case .missing, .manifest, .sources:
            // Only the coordinator sends these; from a peer they mean nothing.
            break
        }
    }

    mutating func receive(_ chunk: DataReply.Chunk, bytes: [UInt8], from source: DatasetFetch.Source, into out: inout [WorkerOutput]) {
        guard let receipt = fetches[chunk.dataset]?.receive(chunk, bytes: bytes.count, from: source, now: now) else { return }
        switch receipt {
        case .invalid(let reason):
            switch source {
            case .coordinator:
                failFetch(chunk.dataset, reason: reason, into: &out)
            case .peer(let endpoint):
                excludePeer(endpoint, from: chunk.dataset, reason: reason, into: &out)
            }
        case .accepted:
            out.append(.writeChunk(chunk.dataset, size: chunk.size, offset: chunk.offset, bytes: bytes))
            request(chunk.dataset, into: &out)
        case .duplicate:
            request(chunk.dataset, into: &out)
        }
    }

    /// Sends what the fetch of `hash` asks for now.
    mutating func request(_ hash: String, into out: inout [WorkerOutput]) {
        guard let requests = fetches[hash]?.requests(now: now) else { return }
        for (source, request) in requests {
            switch source {
            case .coordinator: out.append(.sendData(.fetch(request)))
            case .peer(let endpoint): out.append(.sendPeer(endpoint, request))
            }
        }
    }

    /// Reports what this worker holds of `hash` and asks who holds the rest.
    mutating func reportSources(_ hash: String, into out: inout [WorkerOutput]) {
        if let request = fetches[hash]?.sourcesRequest(endpoint: configuration.peerEndpoint, now: now) {
            out.append(.sendData(request))
        }
    }

    mutating func excludePeer(_ endpoint: String, from hash: String, reason: String, into out: inout [WorkerOutput]) {
        fetches[hash]?.exclude(endpoint)
        out.append(.log(.warning, "not asking a peer again for this dataset", [
            "dataset": "\(hash)", "peer": "\(endpoint)", "reason": "\(reason)",
        ]))
        syncPeerLinks(into: &out)
        reportSources(hash, into: &out)
        request(hash, into: &out)
    }

    /// Keeps one connection to each peer some fetch may ask, and none to the others.
    mutating func syncPeerLinks(into out: inout [WorkerOutput]) {
        var needed: [String: String?] = [:]
        for fetch in fetches.values {
            for (endpoint, peer) in fetch.peers { needed[endpoint] = peer.publicKey }
        }
        for endpoint in needed.keys.sorted() where !peerLinks.contains(endpoint) {
            peerLinks.insert(endpoint)
            out.append(.connectPeer(endpoint, publicKey: needed[endpoint] ?? nil))
        }
        for endpoint in peerLinks.sorted() where needed[endpoint] == nil {
            peerLinks.remove(endpoint)
            out.append(.closePeer(endpoint))
        }
    }

    /// Reports holdings when due, times out requests, and asks again for chunks of a stalled
    /// transfer.
    mutating func tickFetches(into out: inout [WorkerOutput]) {
        for hash in fetches.keys.sorted() {
            guard let (excluded, stalled) = fetches[hash]?.expire(now: now) else { continue }
            for endpoint in excluded {
                out.append(.log(.warning, "not asking a peer again for this dataset", [
                    "dataset": "\(hash)", "peer": "\(endpoint)", "reason": "it let two requests time out",
                ]))
            }
            if stalled {
                out.append(.log(.warning, "dataset transfer stalled; asking again for the missing chunks", ["dataset": "\(hash)"]))
            }
            if !excluded.isEmpty { syncPeerLinks(into: &out) }
            if let manifest = fetches[hash]?.manifestRequest(now: now) { out.append(.sendData(manifest)) }
            if fetches[hash]?.sourcesDue(now: now) == true || !excluded.isEmpty { reportSources(hash, into: &out) }
            request(hash, into: &out)
        }
    }

    /// A chunk is on disk: its credit goes to the next request, or the dataset is complete.
    mutating func chunkWritten(_ hash: String, offset: Int, into out: inout [WorkerOutput]) {
        guard let chunkBytes = fetches[hash]?.manifest?.chunkBytes else { return }
        fetches[hash]?.written(offset / chunkBytes)
        if fetches[hash]?.isComplete == true {
            completeFetch(hash, into: &out)
        } else {
            request(hash, into: &out)
        }
    }

    /// A chunk failed its digest: a peer that sent it is not asked again; the coordinator's copy
    /// being wrong fails the fetch.
    mutating func chunkRejected(_ hash: String, offset: Int, reason: String, into out: inout [WorkerOutput]) {
        guard let chunkBytes = fetches[hash]?.manifest?.chunkBytes,
              let source = fetches[hash]?.rejected(offset / chunkBytes) else { return }
        switch source {
        case .coordinator:
            failFetch(hash, reason: "the coordinator's copy does not match its own digests: \(reason)", into: &out)
        case .peer(let endpoint):
            excludePeer(endpoint, from: hash, reason: "it sent a chunk that does not match its digest (\(reason))", into: &out)
        }
    }

    mutating func completeFetch(_ hash: String, into out: inout [WorkerOutput]) {
        guard let fetch = fetches.removeValue(forKey: hash) else { return }
        let bytes = fetch.size ?? 0
        let seconds = max((now - fetch.startedAt).seconds, 1e-9)
        storing.insert(hash)
        completing.insert(hash)
        out.append(.log(.info, "dataset fetched", [
            "dataset": "\(hash)", "bytes": "\(bytes)", "seconds": "\(rounded(seconds))",
            "mb_per_s": "\(rounded(Double(bytes) / seconds / 1e6))",
            "from_coordinator": "\(fetch.bytesFromCoordinator)", "from_peers": "\(fetch.bytesFromPeers)",
        ]))
        out.append(.finishFetch(hash))
        syncPeerLinks(into: &out)
    }

    mutating func failFetch(_ hash: String, reason: String, into out: inout [WorkerOutput]) {
        guard fetches.removeValue(forKey: hash) != nil else { return }
        out.append(.abandonFetch(hash))
        syncPeerLinks(into: &out)
        failWaiting(on: hash, reason: reason, into: &out)
    }

    /// Datasets the cache dropped to stay under its cap: no longer here.
    mutating func evicted(_ hashes: [String]) {
        for hash in hashes {
            available.remove(hash)
            reuseLogged.remove(hash)
        }
    }

    mutating func stored(_ hash: String, outcome: DatasetStoreOutcome, into out: inout [WorkerOutput]) {
        guard storing.remove(hash) != nil else { return }
        completing.remove(hash)
        switch outcome {
        case .stored(let evicted):
            self.evicted(evicted.filter { $0 != hash })
            becameAvailable(hash, origin: .fetched, into: &out)
        case .rejected(let reason):
            failWaiting(on: hash, reason: reason, into: &out)
        }
    }

    /// The dataset can be handed to compute threads: tell the coordinator (it prefers workers that
    /// hold a job's datasets) and start what waited for it.
    mutating func becameAvailable(_ hash: String, origin: DatasetOrigin, into out: inout [WorkerOutput]) {
        available.insert(hash)
        reuseLogged.insert(hash)
        if origin == .fetched {
            out.append(.log(.info, "dataset verified and open; caching it in the background", ["dataset": "\(hash)"]))
        } else {
            out.append(.log(.info, "dataset found locally; not fetching it", [
                "dataset": "\(hash)", "origin": "\(origin.rawValue)",
            ]))
        }
        if registered { out.append(.sendControl(.have(DatasetRef(dataset: hash)))) }
        startReady(into: &out)
    }

    /// Fails every waiting task that needs `hash`, with FAILED kind `dataset` (the coordinator
    /// retries it, elsewhere if it can).
    mutating func failWaiting(on hash: String, reason: String, into out: inout [WorkerOutput]) {
        out.append(.log(.error, "dataset unavailable; failing the tasks that need it", [
            "dataset": "\(hash)", "reason": "\(reason)",
        ]))
        let (failing, keeping) = waiting.partitioned { $0.datasets.contains(hash) }
        waiting = keeping
        for task in failing {
            let ref = task.ref
            sendReliably(.failed(WorkerMessage.TaskFailure(
                job: ref.job, task: ref.task, attempt: ref.attempt, kind: .dataset, message: reason)), into: &out)
        }
    }

    func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}

extension Array {
    /// The elements that satisfy `belongs`, and the others, each in their order.
    func partitioned(by belongs: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for element in self {
            if belongs(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}
