import Dispatch
import Foundation
import Wire
import ZeroMQ

extension WorkerService {
    /// Carries out the core's outputs on the reactor thread: sockets at once, the rest off the
    /// reactor, each outcome delivered back as an input. Returns true when the core asked to stop.
    func perform(_ outputs: [WorkerOutput], loop: ReactorLoop) -> Bool {
        var stop = false
        for output in outputs {
            switch output {
            case .connect(let generation):
                connect(generation, loop: loop)
            case .closeConnection:
                sockets.close(loop)
            case .sendControl(let message):
                if !sockets.trySendControl(message.envelope.frames.map { Frame($0) }, logger: logger) {
                    handle(.controlRefused(message, generation: sockets.generation), on: loop)
                }
            case .sendData(let request):
                if !sockets.trySendData(request.envelope.frames.map { Frame($0) }, logger: logger) {
                    handle(.dataRefused(request, generation: sockets.generation), on: loop)
                }
            case .resolveDataset(let hash):
                let cache = self.cache
                Thread.detachNewThread { [self] in deliver(.datasetResolved(hash, cache.locate(hash))) }
            case .writeChunk(let hash, let size, let offset, let bytes):
                fetchWriters.write(hash, size: size, offset: offset, bytes: bytes) { [self] outcome in
                    switch outcome {
                    case .written: deliver(.chunkWritten(hash, offset: offset))
                    case .rejected(let reason): deliver(.chunkRejected(hash, offset: offset, reason: reason))
                    case .failed(let reason): deliver(.chunkWriteFailed(hash, reason: reason))
                    }
                }
            case .beginFetch(let hash, let manifest, let digests):
                fetchWriters.begin(hash, manifest: manifest, digests: digests)
            case .connectPeer(let endpoint, let publicKey):
                peers.connect(loop, endpoint: endpoint, publicKey: publicKey) { [self] in handle($0, on: loop) }
            case .closePeer(let endpoint):
                peers.close(loop, endpoint: endpoint)
            case .sendPeer(let endpoint, let request):
                if !peers.send(request, to: endpoint) { handle(.peerRefused(endpoint, request), on: loop) }
            case .servePeer(let requester, let request, let partial):
                servePeer(requester, request, partial: partial)
            case .declinePeer(let requester, let declined):
                peers.reply(DataReply.declined(declined).envelope.frames.map { Frame($0) }, to: requester)
            case .admitPeers(let keys):
                peers.admitted.replace(with: keys)
            case .finishFetch(let hash):
                fetchWriters.finish(hash) { [self] outcome in
                    deliver(.datasetStored(hash, outcome))
                } kept: { [self] evicted in
                    deliver(.datasetsEvicted(evicted))
                }
            case .abandonFetch(let hash):
                fetchWriters.abandon(hash)
            case .startTask(let assignment, let testRows):
                let (cache, folds, least, lending, sums) =
                    (self.cache, self.folds, configuration.threads, self.foldThreads, self.foldSums)
                let scratchRoot = cache.spoolDirectory
                let ref = TaskRef(job: assignment.job, task: assignment.task, attempt: assignment.attempt)
                let cancellation = folds.start(ref)
                compute.submit { [self] in
                    lending.started()
                    let outcome = FoldRunner.run(
                        assignment, testRows: testRows, cache: cache, threads: max(least, lending.cores),
                        available: { lending.share(least: least) }, memo: sums, cancellation: cancellation,
                        scratchRoot: scratchRoot)
                    lending.finished()
                    folds.finished(ref)
                    deliver(.taskFinished(ref, outcome))
                }
            case .stopTask(let ref):
                folds.stop(ref)
            case .stop:
                stop = true
            case .log(let level, let message, let metadata):
                logger.log(level: level, message, metadata: metadata)
            }
        }
        return stop
    }

    private func connect(_ generation: Int, loop: ReactorLoop) {
        do {
            try sockets.open(loop, endpoints: endpoints, generation: generation) { [self] in handle($0, on: loop) }
        } catch {
            // Without sockets nothing is heard, so the core retries with its backoff.
            logger.error("cannot open sockets to the coordinator", metadata: [
                "control": "\(endpoints.control)", "data": "\(endpoints.data)", "error": "\(error)",
            ])
        }
    }

    /// Sends another worker the chunk it asked for: from the file of a fetch under way (checked
    /// chunks only) or from the cached dataset's mapping (without copying); DECLINED when neither
    /// has it any more.
    private func servePeer(_ requester: PeerRequester, _ request: FetchRequest, partial: Bool) {
        let (peers, cache, reactor) = (self.peers, self.cache, self.reactor)
        let fromCache: @Sendable () -> Void = {
            var frames: [Frame]?
            if let dataset = try? cache.acquire(request.dataset) {
                defer { cache.release(request.dataset) }
                if let file = dataset.features.mappedFile, request.offset < file.bytes.count {
                    let end = min(file.bytes.count, request.offset + request.length)
                    let header = DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: file.bytes.count)
                    frames = Envelope(command: "CHUNK", header: header).frames.map { Frame($0) }
                        + [Frame(zeroCopy: PinnedBuffer(mapping: file), range: request.offset..<end)]
                }
            }
            let reply = frames ?? DataReply.declined(
                Declined(dataset: request.dataset, offset: request.offset, reason: .missing)).envelope.frames.map { Frame($0) }
            try? reactor.execute { _ in peers.reply(reply, to: requester) }
        }
        guard partial else {
            DispatchQueue.global().async(execute: fromCache)
            return
        }
        fetchWriters.read(request.dataset, offset: request.offset) { bytes, size in
            guard let bytes else {
                // Off the caller's thread: without a fetch under way `read` answers at once, on the
                // reactor, and the cache's lookup may open a file.
                DispatchQueue.global().async(execute: fromCache)
                return
            }
            let reply = DataReply.chunk(DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: size), bytes: bytes)
            let frames = reply.envelope.frames.map { Frame($0) }
            try? reactor.execute { _ in peers.reply(frames, to: requester) }
        }
    }
}
