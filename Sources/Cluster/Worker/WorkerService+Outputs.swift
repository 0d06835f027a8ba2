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
                fetchWriters.write(hash, size: size, offset: offset, bytes: bytes) { failure in
                    if let failure {
                        feed.yield(.chunkWriteFailed(hash, reason: failure))
                    } else {
                        feed.yield(.chunkWritten(hash, offset: offset))
                    }
                }
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
                let (cache, feed, folds, threads) = (self.cache, self.feed, self.folds, configuration.threads)
                let ref = TaskRef(job: assignment.job, task: assignment.task, attempt: assignment.attempt)
                let cancellation = folds.start(ref)
                compute.submit {
                    let outcome = FoldRunner.run(
                        assignment, testRows: testRows, cache: cache, threads: threads, cancellation: cancellation)
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

    private func sendData(_ request: FetchRequest) {
        let (sockets, feed, logger) = (self.sockets, self.feed, self.logger)
        let frames = request.envelope.frames.map { Frame($0) }
        try? reactor.execute { _ in
            if !sockets.trySendData(frames, logger: logger) {
                feed.yield(.fetchRefused(request, generation: sockets.generation))
            }
        }
    }
}
