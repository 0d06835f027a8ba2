import Dispatch
import Foundation
import Wire
import ZeroMQ

extension WorkerService {
    /// Carries out the core's outputs; returns true when the core asked to stop.
    func perform(_ outputs: [WorkerOutput]) -> Bool {
        var stop = false
        for output in outputs {
            switch output {
            case .connect(let generation):
                connect(generation)
            case .closeConnection:
                let sockets = self.sockets
                try? reactor.execute { loop in sockets.close(loop) }
            case .sendControl(let message):
                sendControl(message)
            case .sendData(let request):
                sendData(request)
            case .resolveDataset(let hash):
                let (cache, feed) = (self.cache, self.feed)
                Thread.detachNewThread { feed.yield(.datasetResolved(hash, cache.locate(hash))) }
            case .writeChunk(let hash, let size, let offset, let bytes):
                let feed = self.feed
                fetchWriters.write(hash, size: size, offset: offset, bytes: bytes) { outcome in
                    switch outcome {
                    case .written: feed.yield(.chunkWritten(hash, offset: offset))
                    case .rejected(let reason): feed.yield(.chunkRejected(hash, offset: offset, reason: reason))
                    case .failed(let reason): feed.yield(.chunkWriteFailed(hash, reason: reason))
                    }
                }
            case .beginFetch(let hash, let manifest, let digests):
                fetchWriters.begin(hash, manifest: manifest, digests: digests)
            case .connectPeer(let endpoint, let publicKey):
                let (peers, feed) = (self.peers, self.feed)
                try? reactor.execute { loop in peers.connect(loop, endpoint: endpoint, publicKey: publicKey, feed: feed) }
            case .closePeer(let endpoint):
                let peers = self.peers
                try? reactor.execute { loop in peers.close(loop, endpoint: endpoint) }
            case .sendPeer(let endpoint, let request):
                let (peers, feed) = (self.peers, self.feed)
                try? reactor.execute { _ in
                    if !peers.send(request, to: endpoint) { feed.yield(.peerRefused(endpoint, request)) }
                }
            case .servePeer(let requester, let request, let partial):
                servePeer(requester, request, partial: partial)
            case .declinePeer(let requester, let declined):
                let peers = self.peers
                let frames = DataReply.declined(declined).envelope.frames.map { Frame($0) }
                try? reactor.execute { _ in peers.reply(frames, to: requester) }
            case .admitPeers(let keys):
                peers.admitted.replace(with: keys)
            case .finishFetch(let hash):
                let feed = self.feed
                fetchWriters.finish(hash) { outcome in
                    feed.yield(.datasetStored(hash, outcome))
                } kept: { evicted in
                    feed.yield(.datasetsEvicted(evicted))
                }
            case .abandonFetch(let hash):
                fetchWriters.abandon(hash)
            case .startTask(let assignment, let testRows):
                let (cache, feed, folds, least, lending, sums) =
                    (self.cache, self.feed, self.folds, configuration.threads, self.foldThreads, self.foldSums)
                let scratchRoot = cache.spoolDirectory
                let ref = TaskRef(job: assignment.job, task: assignment.task, attempt: assignment.attempt)
                let cancellation = folds.start(ref)
                compute.submit {
                    lending.started()
                    let outcome = FoldRunner.run(
                        assignment, testRows: testRows, cache: cache, threads: max(least, lending.cores),
                        available: { lending.share(least: least) }, memo: sums, cancellation: cancellation,
                        scratchRoot: scratchRoot)
                    lending.finished()
                    folds.finished(ref)
                    feed.yield(.taskFinished(ref, outcome))
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

    private func connect(_ generation: Int) {
        let (sockets, endpoints, feed, logger) = (self.sockets, self.endpoints, self.feed, self.logger)
        try? reactor.execute { loop in
            do {
                try sockets.open(loop, endpoints: endpoints, generation: generation, feed: feed)
            } catch {
                // Without sockets nothing is heard, so the core retries with its backoff.
                logger.error("cannot open sockets to the coordinator", metadata: [
                    "control": "\(endpoints.control)", "data": "\(endpoints.data)", "error": "\(error)",
                ])
            }
        }
    }

    private func sendControl(_ message: WorkerMessage) {
        let (sockets, feed, logger) = (self.sockets, self.feed, self.logger)
        let frames = message.envelope.frames.map { Frame($0) }
        do {
            try reactor.execute { _ in
                if !sockets.trySendControl(frames, logger: logger) {
                    feed.yield(.controlRefused(message, generation: sockets.generation))
                }
            }
        } catch {
            // The reactor is stopping: nothing more goes out.
        }
    }

    private func sendData(_ request: DataRequest) {
        let (sockets, feed, logger) = (self.sockets, self.feed, self.logger)
        let frames = request.envelope.frames.map { Frame($0) }
        try? reactor.execute { _ in
            if !sockets.trySendData(frames, logger: logger) {
                feed.yield(.dataRefused(request, generation: sockets.generation))
            }
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
                fromCache()
                return
            }
            let reply = DataReply.chunk(DataReply.Chunk(dataset: request.dataset, offset: request.offset, size: size), bytes: bytes)
            let frames = reply.envelope.frames.map { Frame($0) }
            try? reactor.execute { _ in peers.reply(frames, to: requester) }
        }
    }
}
