import Datasets
import Dispatch
import Synchronization

/// The files of the uploads under way, one serial queue each: chunks are written and hashed in
/// order off the event loop; after the last, the file is verified, opened and handed to the store
/// to keep (flushed and renamed into the state dir, when there is one). Each step's outcome goes
/// back to the core through `report`.
final class UploadSpools: Sendable {
    private struct Spool: Sendable {
        let queue: DispatchQueue
        let file: FileBox
    }

    /// The queue's file; confined to its queue.
    private final class FileBox: @unchecked Sendable {
        var incoming: IncomingDataset?
    }

    let store: any JobStore
    /// Runs every step on the caller's thread (tests drive the core without threads).
    let inline: Bool
    private let spools = Mutex<[String: Spool]>([:])

    init(store: any JobStore, inline: Bool = false) {
        self.store = store
        self.inline = inline
    }

    private func spool(_ hash: String) -> Spool {
        spools.withLock { spools in
            if let spool = spools[hash] { return spool }
            let spool = Spool(queue: DispatchQueue(label: "crossfold.upload.\(hash.prefix(12))"), file: FileBox())
            spools[hash] = spool
            return spool
        }
    }

    private func run(_ spool: Spool, _ work: @escaping @Sendable () -> Void) {
        if inline { work() } else { spool.queue.async(execute: work) }
    }

    /// Writes a chunk (the first creates the file); reports `.uploadWritten`, or `.uploadVerified`
    /// after the last chunk or a failure.
    func write(_ chunk: UploadChunk, report: @escaping @Sendable (CoordinatorInput) -> Void) {
        let spool = spool(chunk.receipt.hash)
        let store = self.store
        run(spool) { [self] in
            let receipt = chunk.receipt
            func fail(_ code: String, _ message: String) {
                spool.file.incoming?.discard()
                spool.file.incoming = nil
                forget(receipt.hash)
                report(.uploadVerified(UploadOutcome(receipt: receipt, result: .failure(UploadFailure(code: code, message: message)))))
            }
            if chunk.isFirst {
                spool.file.incoming?.discard()
                do {
                    spool.file.incoming = try store.receiveDataset(hash: receipt.hash, size: chunk.size)
                } catch {
                    spool.file.incoming = nil
                    fail("store-failed", "the coordinator cannot keep the dataset: \(error)")
                    return
                }
            }
            guard let incoming = spool.file.incoming, incoming.size == chunk.size else {
                fail("upload-mismatch", "the upload of \(receipt.hash) was interrupted; send it again")
                return
            }
            do {
                try incoming.write(chunk.bytes, at: chunk.offset)
            } catch {
                fail("store-failed", "the coordinator cannot keep the dataset: \(error)")
                return
            }
            guard chunk.isLast else {
                report(.uploadWritten(receipt))
                return
            }
            let dataset: Dataset
            do throws(DatasetError) {
                dataset = try CanonicalDataset.open(try incoming.finish(durable: store.keepsDatasets))
            } catch where error.rule == .unwritable {
                fail("store-failed", "the coordinator cannot keep the dataset: \(error)")
                return
            } catch {
                fail("invalid-dataset", error.description)
                return
            }
            do {
                try store.keepDataset(incoming)
            } catch {
                fail("store-failed", "the coordinator cannot keep the dataset: \(error)")
                return
            }
            spool.file.incoming = nil
            forget(receipt.hash)
            report(.uploadVerified(UploadOutcome(receipt: receipt, result: .success(dataset))))
        }
    }

    /// Drops an unfinished upload's file.
    func abandon(_ hash: String) {
        let spool = spool(hash)
        run(spool) { [self] in
            spool.file.incoming?.discard()
            spool.file.incoming = nil
            forget(hash)
        }
    }

    private func forget(_ hash: String) {
        _ = spools.withLock { $0.removeValue(forKey: hash) }
    }
}
