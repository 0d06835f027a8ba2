import Logging
import Wire

extension WorkerCore {
    /// Makes sure `hash` is on its way: looked up first, fetched if not found. Once per dataset,
    /// however many tasks wait for it.
    mutating func ensure(_ hash: String, into out: inout [WorkerOutput]) {
        guard !available.contains(hash), !resolving.contains(hash), fetches[hash] == nil, !storing.contains(hash)
        else { return }
        resolving.insert(hash)
        out.append(.resolveDataset(hash))
    }

    mutating func resolved(_ hash: String, origin: DatasetOrigin?, into out: inout [WorkerOutput]) {
        guard resolving.remove(hash) != nil else { return }
        if let origin {
            becameAvailable(hash, origin: origin, into: &out)
            return
        }
        var fetch = DatasetFetch(
            hash: hash, chunkBytes: configuration.chunkBytes, credit: configuration.fetchCredit,
            maxBytes: configuration.maxDatasetBytes, now: now)
        let requests = fetch.requests(now: now)
        fetches[hash] = fetch
        out.append(.log(.info, "fetching dataset from the coordinator", ["dataset": "\(hash)"]))
        out += requests.map { .sendData($0) }
    }

    mutating func receive(_ reply: DataReply, into out: inout [WorkerOutput]) {
        guard case .connected = link else { return }
        // Any message proves the coordinator alive, chunks included: they may queue ahead of beats.
        lastHeard = now
        switch reply {
        case .chunk(let chunk, let bytes):
            guard let receipt = fetches[chunk.dataset]?.receive(chunk, bytes: bytes, now: now) else { return }
            switch receipt {
            case .invalid(let reason):
                failFetch(chunk.dataset, reason: reason, into: &out)
            case .accepted:
                out.append(.writeChunk(chunk.dataset, size: chunk.size, offset: chunk.offset, bytes: bytes))
            case .duplicate:
                if let requests = fetches[chunk.dataset]?.requests(now: now) { out += requests.map { .sendData($0) } }
            }
        case .missing(let ref):
            guard fetches[ref.dataset] != nil else { return }
            failFetch(ref.dataset, reason: "the coordinator does not hold dataset \(ref.dataset) (MISSING)", into: &out)
        }
    }

    /// Tops up the credit after refusals, and asks again for chunks of a stalled transfer.
    mutating func tickFetches(into out: inout [WorkerOutput]) {
        for hash in fetches.keys.sorted() {
            if fetches[hash]?.isStalled(now: now, limit: configuration.fetchStallTimeout) == true {
                out.append(.log(.warning, "dataset transfer stalled; asking again for the missing chunks", [
                    "dataset": "\(hash)", "outstanding": "\(fetches[hash]?.outstanding.count ?? 0)",
                ]))
                fetches[hash]?.resetOutstanding()
            }
            if let requests = fetches[hash]?.requests(now: now) { out += requests.map { .sendData($0) } }
        }
    }

    /// A chunk is on disk: its credit goes to the next request, or the dataset is complete.
    mutating func chunkWritten(_ hash: String, offset: Int, into out: inout [WorkerOutput]) {
        guard fetches[hash] != nil else { return }
        fetches[hash]?.written(offset: offset)
        if fetches[hash]?.isComplete == true {
            completeFetch(hash, into: &out)
        } else if let requests = fetches[hash]?.requests(now: now) {
            out += requests.map { .sendData($0) }
        }
    }

    mutating func completeFetch(_ hash: String, into out: inout [WorkerOutput]) {
        guard let fetch = fetches.removeValue(forKey: hash) else { return }
        let bytes = fetch.size ?? 0
        let seconds = max((now - fetch.startedAt).seconds, 1e-9)
        storing.insert(hash)
        out.append(.log(.info, "dataset fetched", [
            "dataset": "\(hash)", "bytes": "\(bytes)", "seconds": "\(rounded(seconds))",
            "mb_per_s": "\(rounded(Double(bytes) / seconds / 1e6))",
        ]))
        out.append(.finishFetch(hash))
    }

    mutating func failFetch(_ hash: String, reason: String, into out: inout [WorkerOutput]) {
        guard fetches.removeValue(forKey: hash) != nil else { return }
        out.append(.abandonFetch(hash))
        failWaiting(on: hash, reason: reason, into: &out)
    }

    /// Datasets the cache dropped to stay under its cap: no longer here.
    mutating func evicted(_ hashes: [String]) {
        for hash in hashes {
            available.remove(hash)
            reuseLogged.remove(hash)
        }
    }

    mutating func stored(_ hash: String, outcome: DatasetStoreOutcome, into out: inout [WorkerOutput]) {
        guard storing.remove(hash) != nil else { return }
        switch outcome {
        case .stored(let evicted):
            self.evicted(evicted.filter { $0 != hash })
            becameAvailable(hash, origin: .fetched, into: &out)
        case .rejected(let reason):
            failWaiting(on: hash, reason: reason, into: &out)
        }
    }

    /// The dataset can be handed to compute threads: tell the coordinator (it prefers workers that
    /// hold a job's datasets) and start what waited for it.
    mutating func becameAvailable(_ hash: String, origin: DatasetOrigin, into out: inout [WorkerOutput]) {
        available.insert(hash)
        reuseLogged.insert(hash)
        if origin == .fetched {
            out.append(.log(.info, "dataset verified and open; caching it in the background", ["dataset": "\(hash)"]))
        } else {
            out.append(.log(.info, "dataset found locally; not fetching it", [
                "dataset": "\(hash)", "origin": "\(origin.rawValue)",
            ]))
        }
        if registered { out.append(.sendControl(.have(DatasetRef(dataset: hash)))) }
        startReady(into: &out)
    }

    /// Fails every waiting task that needs `hash`, with FAILED kind `dataset` (the coordinator
    /// retries it, elsewhere if it can).
    mutating func failWaiting(on hash: String, reason: String, into out: inout [WorkerOutput]) {
        out.append(.log(.error, "dataset unavailable; failing the tasks that need it", [
            "dataset": "\(hash)", "reason": "\(reason)",
        ]))
        let (failing, keeping) = waiting.partitioned { $0.datasets.contains(hash) }
        waiting = keeping
        for task in failing {
            let ref = task.ref
            sendReliably(.failed(WorkerMessage.TaskFailure(
                job: ref.job, task: ref.task, attempt: ref.attempt, kind: .dataset, message: reason)), into: &out)
        }
    }

    func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}

extension Array {
    /// The elements that satisfy `belongs`, and the others, each in their order.
    func partitioned(by belongs: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for element in self {
            if belongs(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}
