import Datasets
import Logging
import Wire

/// An upload under way: how far it reaches, and who waits for its end.
struct UploadState: Sendable {
    let hash: String
    let size: Int
    /// Bytes accepted in order and handed to the shell to write (`.spoolUpload`).
    var accepted = 0
    /// When a chunk last arrived (core time), so the upload idle longest makes room first.
    var lastActivity: Duration
    /// Every byte is accepted: the file is being verified. Clients that resend the last chunk
    /// meanwhile are answered when it ends.
    var verifying = false
    var waiting: [(peer: PeerID, request: String)] = []
    /// With keys: the client key that started the upload, which holds the dataset once it is
    /// verified. Chunks of other keys for the same hash are refused meanwhile (`upload-busy`).
    var uploader: String?
}

extension CoordinatorCore {
    /// Largest dataset a client may upload (canonical bytes).
    static let maxUploadBytes = 64 << 30
    /// Uploads held under way at once. Each has a file being written, and names are the client's to
    /// choose, so a new upload beyond these replaces the one idle longest (its file is dropped and
    /// its client is told `received: 0` on its next chunk and starts again).
    static let maxPendingUploads = 8

    /// UPLOAD: a chunk that continues an upload goes to the shell to be written and hashed in
    /// order (`.spoolUpload`), and is acknowledged once written (`.uploadWritten`); any other is
    /// answered with where the upload stands, so a retrying client resumes from there.
    mutating func receiveUpload(
        from peer: PeerID, identity: String? = nil, _ upload: ClientRequest.Upload, bytes: [UInt8],
        into out: inout [CoordinatorOutput]
    ) {
        if hasDataset(upload.dataset, for: identity), uploads[upload.dataset] == nil {
            out.append(.toClient(peer, .uploadAck(.init(
                request: upload.request, dataset: upload.dataset, received: upload.size, complete: true))))
            return
        }
        guard upload.size <= Self.maxUploadBytes else {
            out.append(refusal(peer, upload.request, "too-large",
                               "datasets above \(Self.maxUploadBytes >> 30) GiB are not accepted"))
            return
        }
        if uploads[upload.dataset] == nil {
            // Not under way: only a first chunk starts one (a later one was lost, or evicted).
            guard upload.offset == 0 else {
                out.append(.toClient(peer, .uploadAck(.init(
                    request: upload.request, dataset: upload.dataset, received: 0, complete: false))))
                return
            }
            startUpload(upload, uploader: owner(for: identity), into: &out)
        }
        guard var state = uploads[upload.dataset] else { return }
        guard state.uploader == owner(for: identity) else {
            // Another key is uploading the same bytes; its upload is not this client's to join
            // (joining would make it a holder without sending every byte). Documented in
            // docs/SECURITY.md as what a client can still learn: that an upload is under way.
            out.append(refusal(peer, upload.request, "upload-busy",
                               "another upload of \(upload.dataset) is under way; retry `crossfold submit` in a minute"))
            return
        }
        guard state.size == upload.size else {
            out.append(refusal(peer, upload.request, "upload-mismatch",
                               "an upload of \(upload.dataset) with another size is under way; retry later"))
            return
        }
        state.lastActivity = now
        if state.verifying {
            if upload.offset + bytes.count == state.size { state.waiting.append((peer, upload.request)) }
            uploads[upload.dataset] = state
            return
        }
        guard upload.offset == state.accepted, !bytes.isEmpty else {
            uploads[upload.dataset] = state
            out.append(.toClient(peer, .uploadAck(.init(
                request: upload.request, dataset: upload.dataset, received: state.accepted, complete: false))))
            return
        }
        state.accepted += bytes.count
        if state.accepted == state.size { state.verifying = true }
        uploads[upload.dataset] = state
        let receipt = UploadReceipt(client: peer, request: upload.request, hash: upload.dataset, end: state.accepted)
        out.append(.spoolUpload(UploadChunk(receipt: receipt, size: state.size, offset: upload.offset, bytes: bytes)))
    }

    /// Makes room among the uploads under way and records a new one.
    mutating func startUpload(_ upload: ClientRequest.Upload, uploader: String?, into out: inout [CoordinatorOutput]) {
        while uploads.count >= Self.maxPendingUploads,
              let idlest = uploads.values.filter({ !$0.verifying })
                  .min(by: { ($0.lastActivity, $0.hash) < ($1.lastActivity, $1.hash) }) {
            uploads[idlest.hash] = nil
            out.append(.abandonUpload(idlest.hash))
        }
        uploads[upload.dataset] = UploadState(hash: upload.dataset, size: upload.size, lastActivity: now, uploader: uploader)
    }

    /// A chunk is written: the client may send the next.
    func uploadWritten(_ receipt: UploadReceipt, into out: inout [CoordinatorOutput]) {
        guard uploads[receipt.hash] != nil else { return }
        out.append(.toClient(receipt.client, .uploadAck(.init(
            request: receipt.request, dataset: receipt.hash, received: receipt.end, complete: false))))
    }

    /// The upload ended: registered and acknowledged, or refused with the reason.
    mutating func finishUpload(_ outcome: UploadOutcome, into out: inout [CoordinatorOutput]) {
        let receipt = outcome.receipt
        let state = uploads.removeValue(forKey: receipt.hash)
        let clients = [(receipt.client, receipt.request)] + (state?.waiting ?? [])
        switch outcome.result {
        case .success(let dataset):
            registry.register(hash: receipt.hash, dataset: dataset)
            recordHolder(of: receipt.hash, state?.uploader)
            out.append(.log(.info, "dataset received", [
                "dataset": "\(receipt.hash)", "bytes": "\(receipt.end)", "rows": "\(dataset.rowCount)",
            ]))
            for (peer, request) in clients {
                out.append(.toClient(peer, .uploadAck(.init(
                    request: request, dataset: receipt.hash, received: receipt.end, complete: true))))
            }
        case .failure(let failure):
            if failure.code == "store-failed" {
                out.append(.log(.error, "could not store an uploaded dataset; the upload is refused", [
                    "dataset": "\(receipt.hash)", "error": "\(failure.message)",
                ]))
            }
            for (peer, request) in clients { out.append(refusal(peer, request, failure.code, failure.message)) }
        }
    }
}
