import Datasets
import Logging
import Wire

extension CoordinatorCore {
    /// Largest dataset a client may upload (canonical bytes).
    static let maxUploadBytes = 64 << 30

    func receiveUpload(from peer: PeerID, _ upload: ClientRequest.Upload, bytes: [UInt8], into out: inout [CoordinatorOutput]) {
        if hasDataset(upload.dataset) {
            out.append(.toClient(peer, .uploadAck(.init(
                request: upload.request, dataset: upload.dataset, received: upload.size, complete: true))))
            return
        }
        guard upload.size <= Self.maxUploadBytes else {
            out.append(refusal(peer, upload.request, "too-large",
                               "datasets above \(Self.maxUploadBytes >> 30) GiB are not accepted"))
            return
        }
        var buffer = uploads[upload.dataset] ?? UploadBuffer(hash: upload.dataset, size: upload.size)
        guard buffer.size == upload.size else {
            out.append(refusal(peer, upload.request, "upload-mismatch",
                               "an upload of \(upload.dataset) with another size is under way; retry later"))
            return
        }
        uploads[upload.dataset] = nil  // sole owner now: the append below must not copy every byte so far
        // Chunks arrive in order on one connection; a repeated or early chunk is answered with the
        // offset the coordinator wants next, so a retrying client resumes from there.
        if upload.offset == buffer.received {
            buffer.bytes.append(contentsOf: bytes)
        }
        if buffer.isComplete {
            uploads[upload.dataset] = nil
            out.append(.verifyUpload(PendingUpload(client: peer, request: upload.request, hash: upload.dataset, bytes: buffer.bytes)))
            return
        }
        uploads[upload.dataset] = buffer
        out.append(.toClient(peer, .uploadAck(.init(
            request: upload.request, dataset: upload.dataset, received: buffer.received, complete: false))))
    }

    func finishUpload(_ outcome: UploadOutcome, into out: inout [CoordinatorOutput]) {
        let upload = outcome.upload
        switch outcome.result {
        case .success(let dataset):
            do {
                if let error = outcome.storeError { throw error }
                if !outcome.keptInStore { try store.saveDataset(hash: upload.hash, bytes: upload.bytes) }
            } catch {
                out.append(.log(.error, "could not store an uploaded dataset; the upload is refused", [
                    "dataset": "\(upload.hash)", "error": "\(error)",
                ]))
                out.append(refusal(upload.client, upload.request, "store-failed", "the coordinator cannot keep the dataset: \(error)"))
                return
            }
            registry.register(hash: upload.hash, bytes: upload.bytes, dataset: dataset)
            out.append(.log(.info, "dataset received", [
                "dataset": "\(upload.hash)", "bytes": "\(upload.bytes.count)", "rows": "\(dataset.rowCount)",
            ]))
            out.append(.toClient(upload.client, .uploadAck(.init(
                request: upload.request, dataset: upload.hash, received: upload.bytes.count, complete: true))))
        case .failure(let error):
            out.append(refusal(upload.client, upload.request, "invalid-dataset", error.description))
        }
    }

    /// Hashes and decodes an upload and, when it is sound and `store` is given, writes it there;
    /// run off the event loop.
    public static func verify(_ upload: PendingUpload, keepingIn store: (any JobStore)? = nil) -> UploadOutcome {
        let actual = SHA256Hasher.hash(upload.bytes)
        guard actual == upload.hash else {
            return UploadOutcome(upload: upload, result: .failure(DatasetError(
                .malformed, file: "upload", "the uploaded bytes hash to \(actual), not \(upload.hash)",
                fix: "upload again; the transfer was corrupted")))
        }
        var outcome = UploadOutcome(upload: upload, result: Result { () throws(DatasetError) in
            try CanonicalDataset.decode(upload.bytes, file: "upload \(upload.hash.prefix(12))")
        })
        guard let store, case .success = outcome.result else { return outcome }
        do {
            try store.saveDataset(hash: upload.hash, bytes: upload.bytes)
            outcome.keptInStore = true
        } catch {
            outcome.storeError = error
        }
        return outcome
    }
}
