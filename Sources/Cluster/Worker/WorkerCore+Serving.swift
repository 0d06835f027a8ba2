import Logging
import Wire

/// Serving other workers (docs/PROTOCOL.md, Peer distribution): the chunks of datasets this
/// worker holds whole, and the checked chunks of those it is still fetching, to at most
/// `maxPeerUploads` workers at a time.
extension WorkerCore {
    /// A worker that asked within this long counts as being served.
    static let uploadWindow: Duration = .seconds(1)

    mutating func serve(_ requester: PeerRequester, _ request: FetchRequest, into out: inout [WorkerOutput]) {
        guard configuration.peerEndpoint != nil else { return }
        peerUploads = peerUploads.filter { now - $0.value < Self.uploadWindow }
        if peerUploads[requester] == nil, peerUploads.count >= configuration.maxPeerUploads {
            out.append(.declinePeer(requester, Declined(dataset: request.dataset, offset: request.offset, reason: .busy)))
            return
        }
        if available.contains(request.dataset) || completing.contains(request.dataset) && fetches[request.dataset] == nil {
            peerUploads[requester] = now
            out.append(.servePeer(requester, request, partial: completing.contains(request.dataset)))
            return
        }
        if let fetch = fetches[request.dataset], let manifest = fetch.manifest,
           request.offset % manifest.chunkBytes == 0, fetch.holds(request.offset / manifest.chunkBytes) {
            peerUploads[requester] = now
            out.append(.servePeer(requester, request, partial: true))
            return
        }
        out.append(.declinePeer(requester, Declined(dataset: request.dataset, offset: request.offset, reason: .missing)))
    }
}
