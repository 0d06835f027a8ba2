import Foundation

/// Requests a client (the `crossfold` command line) sends on the coordinator's client socket.
/// Every request carries a `request` id that the reply echoes, so retried requests match up.
public enum ClientRequest: Sendable, Equatable {
    case info(RequestID)
    case has(request: String, dataset: String)
    case upload(Upload, bytes: [UInt8])
    case submit(request: String, spec: JobSpec)
    case jobs(RequestID)
    case status(request: String, job: String)
    case cancel(request: String, job: String)
    /// The results of a finished job; with `page`, only those rows of one repeat's predictions
    /// (large jobs are fetched page by page, so no message has to hold all of them).
    case results(request: String, job: String, predictions: Bool, page: PredictionsPage? = nil)

    public struct RequestID: Sendable, Codable, Equatable {
        public var request: String
        public init(request: String) { self.request = request }
    }

    public struct Upload: Sendable, Codable, Equatable {
        public var request: String
        public var dataset: String
        public var offset: Int
        /// Size of the whole canonical blob.
        public var size: Int

        public init(request: String, dataset: String, offset: Int, size: Int) {
            self.request = request
            self.dataset = dataset
            self.offset = offset
            self.size = size
        }
    }

    struct DatasetQuery: Codable { var request: String; var dataset: String }
    struct Submit: Codable { var request: String; var spec: JobSpec }
    struct JobQuery: Codable { var request: String; var job: String }
    struct ResultsQuery: Codable { var request: String; var job: String; var predictions: Bool; var page: PredictionsPage? }

    public var request: String {
        switch self {
        case .info(let id), .jobs(let id): id.request
        case .has(let request, _), .submit(let request, _), .status(let request, _), .cancel(let request, _),
            .results(let request, _, _, _): request
        case .upload(let upload, _): upload.request
        }
    }

    public var envelope: Envelope {
        switch self {
        case .info(let id): Envelope(command: "INFO", header: id)
        case .has(let request, let dataset): Envelope(command: "HAS", header: DatasetQuery(request: request, dataset: dataset))
        case .upload(let upload, let bytes): Envelope(command: "UPLOAD", header: upload, payload: [bytes])
        case .submit(let request, let spec): Envelope(command: "SUBMIT", header: Submit(request: request, spec: spec))
        case .jobs(let id): Envelope(command: "JOBS", header: id)
        case .status(let request, let job): Envelope(command: "STATUS", header: JobQuery(request: request, job: job))
        case .cancel(let request, let job): Envelope(command: "CANCEL", header: JobQuery(request: request, job: job))
        case .results(let request, let job, let predictions, let page):
            Envelope(command: "RESULTS", header: ResultsQuery(request: request, job: job, predictions: predictions, page: page))
        }
    }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> ClientRequest {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "INFO":
            return .info(try envelope.decodeHeader(RequestID.self))
        case "HAS":
            let query = try envelope.decodeHeader(DatasetQuery.self)
            guard DatasetRef.isHash(query.dataset) else { throw WireError(.malformed, "HAS names no dataset hash") }
            return .has(request: query.request, dataset: query.dataset)
        case "UPLOAD":
            try envelope.requirePayload(1)
            let upload = try envelope.decodeHeader(Upload.self)
            let bytes = envelope.payload[0]
            guard DatasetRef.isHash(upload.dataset), upload.offset >= 0, upload.size > 0,
                  bytes.count <= 4 * WireProtocol.chunkBytes, upload.offset <= upload.size - bytes.count
            else { throw WireError(.malformed, "UPLOAD offset/size/chunk do not fit") }
            return .upload(upload, bytes: bytes)
        case "SUBMIT":
            let submit = try envelope.decodeHeader(Submit.self)
            return .submit(request: submit.request, spec: submit.spec)
        case "JOBS":
            return .jobs(try envelope.decodeHeader(RequestID.self))
        case "STATUS":
            let query = try envelope.decodeHeader(JobQuery.self)
            return .status(request: query.request, job: query.job)
        case "CANCEL":
            let query = try envelope.decodeHeader(JobQuery.self)
            return .cancel(request: query.request, job: query.job)
        case "RESULTS":
            let query = try envelope.decodeHeader(ResultsQuery.self)
            if let page = query.page {
                guard page.repeatIndex >= 0, page.firstRow >= 0, page.rowCount >= 1 else {
                    throw WireError(.malformed, "RESULTS page needs repeat_index >= 0, first_row >= 0 and row_count >= 1")
                }
            }
            return .results(request: query.request, job: query.job, predictions: query.predictions, page: query.page)
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a client command")
        }
    }
}

/// Rows of one repeat's out-of-fold predictions, for RESULTS page by page.
public struct PredictionsPage: Sendable, Codable, Equatable {
    public var repeatIndex: Int
    public var firstRow: Int
    public var rowCount: Int

    public init(repeatIndex: Int, firstRow: Int, rowCount: Int) {
        self.repeatIndex = repeatIndex
        self.firstRow = firstRow
        self.rowCount = rowCount
    }
}

/// The coordinator's replies on the client socket.
public enum ClientReply: Sendable, Equatable {
    case info(ClusterInfo)
    case has(request: String, dataset: String, present: Bool)
    case uploadAck(UploadAck)
    case submitted(request: String, job: String)
    case jobs(request: String, jobs: [JobStatus])
    case status(request: String, status: JobStatus)
    case cancelled(request: String, job: String)
    /// `metrics` is the EvalMetrics JSON; with predictions asked for, `inputIDs` names the rows and
    /// `predictions` holds one `(folds, scores)` pair per repeat, rows in input order.
    case results(ResultsHeader, metrics: [UInt8], inputIDs: [String], predictions: [(folds: [Int32], scores: [Float])])
    case error(ErrorReply)

    public struct ClusterInfo: Sendable, Codable, Equatable {
        public var request: String
        public var software: String
        public var workers: Int
        public var slots: Int
        public var jobs: Int
        /// Workers quarantined by verification (they get no more tasks), when there are any.
        /// Set after `init`.
        public var quarantined: [String]?
        /// The memory the coordinator may use, which bounds how many tasks a job may have (half of
        /// it, less what its unfinished jobs will need). Set after `init`; absent from an older
        /// coordinator.
        public var memoryBytes: Int?

        public init(request: String, software: String, workers: Int, slots: Int, jobs: Int) {
            self.request = request
            self.software = software
            self.workers = workers
            self.slots = slots
            self.jobs = jobs
        }
    }

    public struct UploadAck: Sendable, Codable, Equatable {
        public var request: String
        public var dataset: String
        /// Bytes the coordinator holds so far, contiguous from 0.
        public var received: Int
        /// True once the whole blob arrived, its hash matched and it decoded as a dataset.
        public var complete: Bool

        public init(request: String, dataset: String, received: Int, complete: Bool) {
            self.request = request
            self.dataset = dataset
            self.received = received
            self.complete = complete
        }
    }

    public struct ResultsHeader: Sendable, Codable, Equatable {
        public var request: String
        public var job: String
        public var state: JobState
        /// Rows evaluated (the predictions of each repeat have this many).
        public var rows: Int
        /// Concept ids in the order of the score columns.
        public var conceptIds: [String]
        /// Repeats whose predictions follow (0 when predictions were not asked for). With `page`,
        /// the job's repeats, of which the page holds one.
        public var repeats: Int
        /// The page of predictions that follows, when one was asked for (its `rowCount` may be
        /// fewer than asked: the rows left, or the coordinator's largest page).
        public var page: PredictionsPage?
        /// Frames the metrics JSON is split over (absent: one). Results of many concepts outgrow
        /// one frame (the client's limit is 256 MiB a frame); each frame holds at most
        /// `ClientReply.metricsFrameBytes`.
        public var metricsFrames: Int?

        public init(request: String, job: String, state: JobState, rows: Int, conceptIds: [String], repeats: Int,
                    page: PredictionsPage? = nil) {
            self.request = request
            self.job = job
            self.state = state
            self.rows = rows
            self.conceptIds = conceptIds
            self.repeats = repeats
            self.page = page
        }

        public var concepts: Int { conceptIds.count }

        /// Rows of predictions in the message: the page's, or all.
        public var predictedRows: Int { page?.rowCount ?? rows }
        /// Repeats of predictions in the message: one per page, or all.
        public var predictedRepeats: Int { repeats == 0 ? 0 : (page == nil ? repeats : 1) }
    }

    struct Has: Codable { var request: String; var dataset: String; var present: Bool }
    struct Submitted: Codable { var request: String; var job: String }
    struct Jobs: Codable { var request: String; var jobs: [JobStatus] }
    struct Status: Codable { var request: String; var status: JobStatus }
    struct Cancelled: Codable { var request: String; var job: String }

    public var request: String? {
        switch self {
        case .info(let info): info.request
        case .has(let request, _, _), .submitted(let request, _), .jobs(let request, _), .status(let request, _),
            .cancelled(let request, _): request
        case .uploadAck(let ack): ack.request
        case .results(let header, _, _, _): header.request
        case .error(let reply): reply.request
        }
    }

    public var envelope: Envelope {
        switch self {
        case .info(let info): Envelope(command: "INFO_REPLY", header: info)
        case .has(let request, let dataset, let present):
            Envelope(command: "HAS_REPLY", header: Has(request: request, dataset: dataset, present: present))
        case .uploadAck(let ack): Envelope(command: "UPLOAD_ACK", header: ack)
        case .submitted(let request, let job): Envelope(command: "SUBMITTED", header: Submitted(request: request, job: job))
        case .jobs(let request, let jobs): Envelope(command: "JOBS_REPLY", header: Jobs(request: request, jobs: jobs))
        case .status(let request, let status): Envelope(command: "STATUS_REPLY", header: Status(request: request, status: status))
        case .cancelled(let request, let job): Envelope(command: "CANCELLED", header: Cancelled(request: request, job: job))
        case .results(let header, let metrics, let ids, let predictions):
            Self.resultsEnvelope(header, metrics: metrics, ids: ids, predictions: predictions)
        case .error(let reply): Envelope(command: "ERROR", header: reply)
        }
    }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> ClientReply {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "INFO_REPLY": return .info(try envelope.decodeHeader(ClusterInfo.self))
        case "HAS_REPLY":
            let has = try envelope.decodeHeader(Has.self)
            return .has(request: has.request, dataset: has.dataset, present: has.present)
        case "UPLOAD_ACK": return .uploadAck(try envelope.decodeHeader(UploadAck.self))
        case "SUBMITTED":
            let submitted = try envelope.decodeHeader(Submitted.self)
            return .submitted(request: submitted.request, job: submitted.job)
        case "JOBS_REPLY":
            let jobs = try envelope.decodeHeader(Jobs.self)
            return .jobs(request: jobs.request, jobs: jobs.jobs)
        case "STATUS_REPLY":
            let status = try envelope.decodeHeader(Status.self)
            return .status(request: status.request, status: status.status)
        case "CANCELLED":
            let cancelled = try envelope.decodeHeader(Cancelled.self)
            return .cancelled(request: cancelled.request, job: cancelled.job)
        case "RESULTS_REPLY":
            var header = try envelope.decodeHeader(ResultsHeader.self)
            // More repeats than a message's frames can carry are refused before any arithmetic.
            guard header.page != nil || (0...((WireProtocol.maxFrames - 5) / 2)).contains(header.repeats) else {
                throw WireError(.malformed, "RESULTS_REPLY claims \(header.repeats) repeats")
            }
            if let page = header.page {
                guard header.repeats > 0, (0..<header.repeats).contains(page.repeatIndex), page.firstRow >= 0, page.rowCount >= 0,
                      page.firstRow <= header.rows, page.rowCount <= header.rows - page.firstRow
                else { throw WireError(.malformed, "RESULTS_REPLY's page does not fit \(header.rows) rows and \(header.repeats) repeats") }
            }
            let rows = header.predictedRows
            let repeats = header.predictedRepeats
            let metricsFrames = header.metricsFrames ?? 1
            guard (1...Self.maxMetricsFrames).contains(metricsFrames) else {
                throw WireError(.malformed, "RESULTS_REPLY splits its metrics over \(metricsFrames) frames")
            }
            let expected = metricsFrames + (repeats > 0 ? 1 + 2 * repeats : 0)
            guard envelope.payload.count == expected, header.rows >= 0,
                  header.rows <= Int(Int32.max) / max(header.concepts, 1)
            else { throw WireError(.malformed, "RESULTS_REPLY frames do not match \(repeats) repeat(s)") }
            var metrics = envelope.payload[0]
            if metricsFrames > 1 {
                metrics.reserveCapacity(envelope.payload[0..<metricsFrames].reduce(0) { $0 + $1.count })
                for part in envelope.payload[1..<metricsFrames] { metrics.append(contentsOf: part) }
            }
            header.metricsFrames = nil
            guard repeats > 0 else {
                return .results(header, metrics: metrics, inputIDs: [], predictions: [])
            }
            let ids = try WireJSON.decode([String].self, from: Data(envelope.payload[metricsFrames]), command: envelope.command)
            guard ids.count == rows else {
                throw WireError(.malformed, "RESULTS_REPLY names \(ids.count) inputs for \(rows) rows")
            }
            var predictions: [(folds: [Int32], scores: [Float])] = []
            var index = metricsFrames + 1
            while index < envelope.payload.count {
                let folds = try BinaryArrays.int32s(envelope.payload[index], count: rows, what: "fold ids")
                let scores = try BinaryArrays.floats(
                    envelope.payload[index + 1], count: rows * header.concepts, what: "out-of-fold scores")
                predictions.append((folds, scores))
                index += 2
            }
            return .results(header, metrics: metrics, inputIDs: ids, predictions: predictions)
        case "ERROR": return .error(try envelope.decodeHeader(ErrorReply.self))
        default: throw WireError(.unknownCommand, "\(envelope.command) is not a client reply")
        }
    }

    public static func == (lhs: ClientReply, rhs: ClientReply) -> Bool {
        lhs.envelope == rhs.envelope
    }

    private static func resultsEnvelope(
        _ header: ResultsHeader, metrics: [UInt8], ids: [String], predictions: [(folds: [Int32], scores: [Float])]
    ) -> Envelope {
        var header = header
        let parts = metricsParts(metrics)
        header.metricsFrames = parts.count > 1 ? parts.count : nil
        return Envelope(
            command: "RESULTS_REPLY", header: header,
            payload: parts + (header.predictedRepeats > 0 ? [Array(WireJSON.encode(ids))] : [])
                + predictions.flatMap { [BinaryArrays.bytes($0.folds), BinaryArrays.bytes($0.scores)] })
    }

    /// Largest frame of a metrics JSON split over several (64 MiB, a quarter of a client's frame
    /// limit).
    public static let metricsFrameBytes = 64 << 20
    /// Most frames one metrics JSON may take (the spare frames of `WireProtocol.maxFrames`).
    public static let maxMetricsFrames = 8
    /// The largest metrics JSON a result may hold: 512 MiB (about 1,400 concepts, whose Clarifai
    /// confusion matrix alone has two million entries).
    public static let maxMetricsBytes = maxMetricsFrames * metricsFrameBytes

    /// The metrics JSON as the frames that carry it: one, or `metricsFrameBytes` pieces.
    public static func metricsParts(_ metrics: [UInt8]) -> [[UInt8]] {
        guard metrics.count > metricsFrameBytes else { return [metrics] }
        return stride(from: 0, to: metrics.count, by: metricsFrameBytes).map {
            Array(metrics[$0..<min(metrics.count, $0 + metricsFrameBytes)])
        }
    }
}
