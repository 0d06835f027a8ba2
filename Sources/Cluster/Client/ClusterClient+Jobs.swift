import Wire
import ZeroMQ

/// A finished job's results as the coordinator sends them.
public struct JobResults: Sendable {
    public let header: ClientReply.ResultsHeader
    /// The EvalMetrics JSON, as stored by the coordinator.
    public let metricsJSON: [UInt8]
    /// Ids of the evaluated rows, when predictions were asked for.
    public let inputIDs: [String]
    /// Per repeat: the fold of each row, and rows × concepts scores, in input order.
    public let predictions: [(folds: [Int32], scores: [Float])]
}

/// Rows of one repeat's out-of-fold predictions.
public struct PredictionsPageData: Sendable {
    public let page: PredictionsPage
    public let inputIDs: [String]
    public let folds: [Int32]
    /// `page.rowCount × concepts` scores, row-major.
    public let scores: [Float]
}

extension ClusterClient {
    public func info() async throws(ClientError) -> ClientReply.ClusterInfo {
        let reply = try await request { .info(.init(request: $0)) }
        guard case .info(let info) = reply else { throw .badReply("expected INFO_REPLY") }
        return info
    }

    /// Why the coordinator would refuse `spec` over `concepts` concepts for want of memory, asked
    /// before any dataset is uploaded: INFO says how much it may use (`JobLimits.memoryRefusal`).
    /// Nil when it would take the job, or does not say. The jobs it already holds are counted when
    /// it answers the SUBMIT.
    public func memoryRefusal(for spec: JobSpec, concepts: Int) async throws(ClientError) -> String? {
        guard spec.holdout == nil, spec.folds > 0, spec.repeats > 0, let memory = try await info().memoryBytes else {
            return nil
        }
        return JobLimits.memoryRefusal(tasks: spec.taskCount, concepts: concepts, memoryBytes: memory)
    }

    public func hasDataset(_ hash: String) async throws(ClientError) -> Bool {
        let reply = try await request { .has(request: $0, dataset: hash) }
        guard case .has(_, _, let present) = reply else { throw .badReply("expected HAS_REPLY") }
        return present
    }

    public func submit(_ spec: JobSpec) async throws(ClientError) -> String {
        let reply = try await request { .submit(request: $0, spec: spec) }
        guard case .submitted(_, let job) = reply else { throw .badReply("expected SUBMITTED") }
        return job
    }

    public func status(of job: String) async throws(ClientError) -> JobStatus {
        let reply = try await request { .status(request: $0, job: job) }
        guard case .status(_, let status) = reply else { throw .badReply("expected STATUS_REPLY") }
        return status
    }

    public func jobs() async throws(ClientError) -> [JobStatus] {
        let reply = try await request { .jobs(.init(request: $0)) }
        guard case .jobs(_, let jobs) = reply else { throw .badReply("expected JOBS_REPLY") }
        return jobs
    }

    public func cancel(_ job: String) async throws(ClientError) {
        let reply = try await request { .cancel(request: $0, job: job) }
        guard case .cancelled = reply else { throw .badReply("expected CANCELLED") }
    }

    /// A finished job's results in one reply; with `predictions`, all of them (the coordinator
    /// refuses them when they do not fit one message: see `predictions(of:...)`).
    public func results(of job: String, predictions: Bool) async throws(ClientError) -> JobResults {
        let reply = try await request { .results(request: $0, job: job, predictions: predictions) }
        guard case .results(let header, let metrics, let ids, let pairs) = reply else {
            throw .badReply("expected RESULTS_REPLY")
        }
        return JobResults(header: header, metricsJSON: metrics, inputIDs: ids, predictions: pairs)
    }

    /// A finished job's predictions, page by page in file order (repeat by repeat, rows in input
    /// order): `begin` gets the first reply's header (rows, concepts, repeats), then `body` each
    /// page before the next is asked for, so memory holds one page whatever the dataset's size.
    /// `pageBytes` bounds a page's scores (the coordinator may send fewer rows).
    /// `sections` limits the pages to those sections of the file (a sweep's configuration: its
    /// repeats, Sources/Wire/ModelConfiguration.swift); pages keep their section's number.
    public func predictions(
        of job: String, rows: Int, concepts: Int, pageBytes: Int = 4 << 20, sections: Range<Int>? = nil,
        begin: (ClientReply.ResultsHeader) throws -> Void, _ body: (PredictionsPageData) throws -> Void
    ) async throws {
        let rowsPerPage = max(1, pageBytes / (4 * max(1, concepts)))
        let firstSection = sections?.lowerBound ?? 0
        var repeats = sections?.upperBound ?? 1
        var repeatIndex = firstSection
        while repeatIndex < repeats {
            var first = 0
            while first < rows {
                let asked = PredictionsPage(repeatIndex: repeatIndex, firstRow: first, rowCount: min(rowsPerPage, rows - first))
                let reply = try await request { .results(request: $0, job: job, predictions: true, page: asked) }
                guard case .results(let header, _, let ids, let pairs) = reply, let page = header.page,
                      page.repeatIndex == repeatIndex, page.firstRow == first, page.rowCount > 0, let pair = pairs.first,
                      header.rows == rows, header.concepts == concepts
                else { throw ClientError.badReply("expected RESULTS_REPLY with rows \(first)... of repeat \(repeatIndex)") }
                if repeatIndex == firstSection, first == 0 {
                    repeats = min(sections?.upperBound ?? header.repeats, header.repeats)
                    try begin(header)
                }
                try body(PredictionsPageData(page: page, inputIDs: ids, folds: pair.folds, scores: pair.scores))
                first += page.rowCount
            }
            repeatIndex += 1
        }
    }

    /// Uploads a dataset's canonical bytes unless the coordinator holds them already, keeping
    /// `WireProtocol.uploadCredit` chunks unacknowledged, each sent as a slice of `canonical`
    /// without copying. The coordinator acknowledges each chunk once it is written (and hashed),
    /// and the last one only once the whole dataset is verified and kept;
    /// a gap (chunks lost in a reconnect) restarts from what it holds. `progress` gets the bytes
    /// acknowledged. Returns false when no upload was needed.
    @discardableResult
    public func upload(
        _ canonical: PinnedBuffer, hash: String, verifyTimeout: Duration = .seconds(300),
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws(ClientError) -> Bool {
        if try await hasDataset(hash) { return false }
        let size = canonical.count
        var next = 0
        var inFlight: [(request: String, start: Int, end: Int)] = []
        var silences = 0
        while true {
            while inFlight.count < WireProtocol.uploadCredit, next < size {
                let end = min(size, next + WireProtocol.chunkBytes)
                let header = ClientRequest.Upload(request: nextID(), dataset: hash, offset: next, size: size)
                // The chunk goes out as a slice of the canonical bytes (a mapping), never copied here.
                let frames = Envelope(command: "UPLOAD", header: header).frames.map { Frame($0) }
                    + [Frame(zeroCopy: canonical, range: next..<end)]
                start(id: header.request, frames: frames)
                inFlight.append((header.request, next, end))
                next = end
            }
            guard let oldest = inFlight.first else {
                throw .badReply("the coordinator acknowledged every chunk but never the whole dataset")
            }
            let reply: ClientReply?
            do {
                reply = try await collect(id: oldest.request, timeout: oldest.end == size ? verifyTimeout : timeout)
            } catch {
                throw .cancelled
            }
            inFlight.removeFirst()
            switch reply {
            case .uploadAck(let ack)?:
                silences = 0
                progress(ack.received)
                if ack.complete { return true }
                if ack.received != oldest.end {
                    abandon(&inFlight)
                    next = ack.received
                }
            case .error(let refusal)?:
                abandon(&inFlight)
                throw .refused(code: refusal.code, message: refusal.message)
            case nil:
                silences += 1
                abandon(&inFlight)
                guard silences < attempts else { throw .unreachable(endpoint: endpoint, attempts: attempts) }
                // Resend from the oldest unacknowledged chunk; the coordinator ignores what it holds.
                next = oldest.start
            default:
                throw .badReply("expected UPLOAD_ACK")
            }
        }
    }

    /// Uploads a copy of `bytes`; see `upload(_: PinnedBuffer, ...)`.
    @discardableResult
    public func upload(_ bytes: [UInt8], hash: String) async throws(ClientError) -> Bool {
        try await upload(PinnedBuffer(bytes), hash: hash)
    }

    private func abandon(_ inFlight: inout [(request: String, start: Int, end: Int)]) {
        for entry in inFlight { pending.forget(entry.request) }
        inFlight.removeAll()
    }
}
