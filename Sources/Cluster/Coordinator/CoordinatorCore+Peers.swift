import Logging
import Wire

/// Peer distribution (docs/PROTOCOL.md, Peer distribution): where workers serve the chunks they
/// hold, the keys their data ports admit, and the SOURCES answers that tell a fetcher whom to ask.
extension CoordinatorCore {
    /// A registered worker's data endpoint, and (with CURVE) the keys its data port admits.
    mutating func peerJoined(_ worker: WorkerID, peer: PeerID, ready: WorkerMessage.Ready, into out: inout [CoordinatorOutput]) {
        peerEndpoints[worker] = ready.peerEndpoint
        if !workerKeys.isEmpty {
            out.append(.toWorker(peer, .admit(Admit(keys: workerKeys.values.sorted()))))
        }
    }

    mutating func peerLeft(_ worker: WorkerID) {
        if let endpoint = peerEndpoints.removeValue(forKey: worker) { peerTracker.forget(endpoint: endpoint) }
    }

    /// Answers a fetcher's SOURCES on the data socket.
    mutating func sources(
        _ peer: PeerID, _ request: SourcesRequest, held: ChunkSet, claimed: ChunkSet, identity: String?,
        into out: inout [CoordinatorOutput]
    ) {
        let holders = scheduler.holders(of: request.dataset).compactMap { id -> PeerTracker.Holder? in
            guard let endpoint = peerEndpoints[id] else { return nil }
            return PeerTracker.Holder(endpoint: endpoint, publicKey: publicKey(of: id))
        }
        let key = identity.flatMap { workerKeys[$0] }
        let answer = peerTracker.report(request, held: held, claimed: claimed, publicKey: key, holders: holders, now: now)
        out.append(.toData(peer, .sources(answer.sources, assigned: answer.assigned, held: answer.held)))
    }

    /// The public key of a worker known as `KEY-NAME/NAME` (with CURVE), from the allowlist.
    func publicKey(of worker: WorkerID) -> String? {
        guard !workerKeys.isEmpty, let slash = worker.rawValue.firstIndex(of: "/") else { return nil }
        return workerKeys[String(worker.rawValue[..<slash])]
    }
}
