import Datasets
import Synchronization
import Wire

/// Carries out a `CoordinatorCore`'s outputs synchronously, on the calling thread, feeding their
/// outcomes back until nothing is left to do: what `CoordinatorServer` does with threads and
/// queues, for tests and tools that drive a core directly. RESULTS replies, which the shell builds
/// off the loop and sends itself, come back as `.toClient` outputs.
public final class InlineEffects {
    public let store: any JobStore
    public let registry: DatasetRegistry
    public let software: String
    /// Outputs of these kinds are returned without being carried out (a test that feeds their
    /// outcome itself, at the moment it chooses).
    public var deferred: Set<Kind> = []
    let uploads: UploadSpools

    public enum Kind: Hashable, Sendable {
        case persist, spoolUpload, openDataset, computeMetrics, serveResults
    }

    public init(store: any JobStore, registry: DatasetRegistry, software: String = "test") {
        self.store = store
        self.registry = registry
        self.software = software
        uploads = UploadSpools(store: store, inline: true)
    }

    /// Handles `input` and every input its outputs lead to; returns all outputs in order.
    public func handle(_ input: CoordinatorInput, on core: inout CoordinatorCore, now: Duration) -> [CoordinatorOutput] {
        perform(core.handle(input, now: now), on: &core, now: now)
    }

    /// Carries out `outputs` and every output their outcomes lead to; returns all of them in order.
    public func perform(_ outputs: [CoordinatorOutput], on core: inout CoordinatorCore, now: Duration) -> [CoordinatorOutput] {
        var all: [CoordinatorOutput] = []
        var queue = outputs[...]
        while let output = queue.popFirst() {
            all.append(output)
            var inputs: [CoordinatorInput] = []
            switch output {
            case .persist(let write) where !deferred.contains(.persist):
                inputs.append(.persisted(write, write.run(on: store)))
            case .spoolUpload(let chunk) where !deferred.contains(.spoolUpload):
                // Inline: the report comes back before `write` returns.
                let reported = Mutex<[CoordinatorInput]>([])
                uploads.write(chunk) { input in reported.withLock { $0.append(input) } }
                inputs += reported.withLock { $0 }
            case .abandonUpload(let hash):
                uploads.abandon(hash)
            case .openDataset(let hash) where !deferred.contains(.openDataset):
                inputs.append(.datasetOpened(hash, Result { () throws(JobStoreError) in try store.openDataset(hash: hash) }))
            case .computeMetrics(let request) where !deferred.contains(.computeMetrics):
                inputs.append(.metricsComputed(job: request.id, JobMetrics.compute(request, store: store, software: software)))
            case .serveResults(let request) where !deferred.contains(.serveResults):
                let frames = ResultsServer.reply(request, store: store, registry: registry).map(\.bytes)
                if let reply = try? ClientReply.decode(frames) { all.append(.toClient(request.client, reply)) }
            default:
                break
            }
            for input in inputs { queue.append(contentsOf: core.handle(input, now: now)) }
        }
        return all
    }
}
