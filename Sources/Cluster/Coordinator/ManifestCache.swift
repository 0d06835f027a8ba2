import Datasets
import Foundation
import Synchronization
import Wire

/// The chunk digests of the datasets the coordinator serves (docs/PROTOCOL.md, Peer
/// distribution), computed once per dataset from its mapped file on a thread of its own (SHA-256
/// at about 1.8 GB/s), as soon as the dataset is registered, so they are usually ready before the
/// first worker asks. MANIFEST requests that come earlier wait for them.
final class ManifestCache: Sendable {
    private enum State {
        case computing(waiting: [@Sendable (Manifest, [UInt8]) -> Void])
        case ready(Manifest, [UInt8])
    }

    let chunkBytes: Int
    private let states = Mutex<[String: State]>([:])

    init(chunkBytes: Int = WireProtocol.chunkBytes) {
        self.chunkBytes = chunkBytes
    }

    /// Starts computing `entry`'s digests unless they are known or on their way.
    func prepare(_ entry: DatasetRegistry.Entry) {
        manifest(of: entry) { _, _ in }
    }

    /// Calls `deliver` with the dataset's manifest and digests: at once when they are known,
    /// otherwise from the thread that computes them.
    func manifest(of entry: DatasetRegistry.Entry, deliver: @escaping @Sendable (Manifest, [UInt8]) -> Void) {
        let (start, known): (Bool, (Manifest, [UInt8])?) = states.withLock { states in
            switch states[entry.hash] {
            case .ready(let manifest, let digests):
                return (false, (manifest, digests))
            case .computing(let waiting):
                states[entry.hash] = .computing(waiting: waiting + [deliver])
                return (false, nil)
            case nil:
                states[entry.hash] = .computing(waiting: [deliver])
                return (true, nil)
            }
        }
        if let (manifest, digests) = known { deliver(manifest, digests) }
        guard start else { return }
        let chunkBytes = self.chunkBytes
        Thread.detachNewThread { [self] in
            let bytes = entry.bytes
            let digests = bytes.withUnsafeBytes { ChunkDigests.compute($0, chunkBytes: chunkBytes) }
            let manifest = Manifest(dataset: entry.hash, size: bytes.count, chunkBytes: chunkBytes)
            let waiting: [@Sendable (Manifest, [UInt8]) -> Void] = states.withLock { states in
                guard case .computing(let waiting) = states[entry.hash] else { return [] }
                states[entry.hash] = .ready(manifest, digests)
                return waiting
            }
            for deliver in waiting { deliver(manifest, digests) }
        }
    }
}
