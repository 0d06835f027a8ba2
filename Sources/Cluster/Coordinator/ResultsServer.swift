import Datasets
import Foundation
import Wire
import ZeroMQ

/// What a RESULTS request asks for.
public struct ResultsQuery: Sendable, Equatable {
    public let request: String
    public let job: String
    public let predictions: Bool
    public let page: PredictionsPage?
}

/// A RESULTS request of a completed job, to answer off the event loop.
public struct ResultsRequest: Sendable {
    public let client: PeerID
    public let query: ResultsQuery
    public let job: StoredJob
}

/// Answers RESULTS from the job store, off the event loop: the metrics JSON, and the predictions
/// as slices of the job's mapped predictions file, sent without copying. A page holds at most
/// `maxPageBytes` of scores, so no message grows with the dataset; a request for all predictions
/// at once is refused when they would not fit one message.
public enum ResultsServer {
    /// Largest page of scores sent in one reply.
    public static let maxPageBytes = 64 << 20

    /// The reply's frames (after the routing id). Blocking: reads and maps files.
    public static func reply(_ request: ResultsRequest, store: any JobStore, registry: DatasetRegistry) -> [Frame] {
        switch build(request, store: store, registry: registry) {
        case .success(let frames): frames
        case .failure(let refusal):
            ClientReply.error(ErrorReply(request: request.query.request, code: refusal.code, message: refusal.message))
                .envelope.frames.map { Frame($0) }
        }
    }

    struct Refusal: Error {
        let code: String
        let message: String
    }

    private static func build(_ request: ResultsRequest, store: any JobStore, registry: DatasetRegistry) -> Result<[Frame], Refusal> {
        let query = request.query
        let spec = request.job.spec
        let id = query.job
        let unavailable = Refusal(
            code: "not-available", message: "the results of job \(id) are no longer held by this coordinator (its store lost them)")
        guard let training = dataset(spec.dataset, store: store, registry: registry),
              let evaluated = spec.holdout.map({ dataset($0, store: store, registry: registry) }) ?? training
        else {
            return .failure(Refusal(code: "not-available",
                                    message: "the datasets of job \(id) are no longer held, so its results cannot be assembled"))
        }
        let concepts = training.concepts
        let firstPage = query.page.map { $0.firstRow == 0 && $0.repeatIndex == 0 } ?? true
        var metrics: [UInt8] = []
        if firstPage {
            guard let stored = try? store.metrics(of: id) else { return .failure(unavailable) }
            metrics = stored
        }
        var header = ClientReply.ResultsHeader(
            request: query.request, job: id, state: request.job.state, rows: evaluated.rowCount, conceptIds: concepts,
            repeats: 0)
        guard query.predictions else {
            return .success(envelopeFrames(header, payload: [metrics]))
        }
        guard let file = try? store.predictions(of: id), let layout = PredictionsFile.Header(file.bytes),
              layout.rows == evaluated.rowCount, layout.concepts == concepts.count
        else { return .failure(unavailable) }
        header.repeats = layout.repeats
        let pinned = PinnedBuffer(mapping: file)
        let rowBytes = 4 * max(1, concepts.count)
        if let asked = query.page {
            guard asked.repeatIndex < layout.repeats, asked.firstRow <= layout.rows else {
                return .failure(Refusal(code: "usage", message: "job \(id) has \(layout.repeats) repeat(s) of \(layout.rows) rows; "
                                        + "page \(asked.repeatIndex)/\(asked.firstRow) is outside them"))
            }
            let count = min(asked.rowCount, layout.rows - asked.firstRow, max(1, maxPageBytes / rowBytes))
            let page = PredictionsPage(repeatIndex: asked.repeatIndex, firstRow: asked.firstRow, rowCount: count)
            header.page = page
            let rows = page.firstRow..<(page.firstRow + count)
            let ids = Array(WireJSON.encode(Array(evaluated.ids[rows])))
            return .success(envelopeFrames(header, payload: [metrics, ids]) + [
                Frame(zeroCopy: pinned, range: layout.folds(repeat: page.repeatIndex, rows: rows)),
                Frame(zeroCopy: pinned, range: layout.scores(repeat: page.repeatIndex, rows: rows)),
            ])
        }
        guard layout.rows * rowBytes * layout.repeats <= Int(SocketLimits.controlMaxMessage) / 2,
              layout.repeats <= (WireProtocol.maxFrames - 5) / 2
        else {
            return .failure(Refusal(code: "too-large", message: "the predictions of job \(id) do not fit one message; "
                                    + "fetch them page by page (this crossfold's `results --predictions` does)"))
        }
        let all = 0..<layout.rows
        var frames = envelopeFrames(header, payload: [metrics, Array(WireJSON.encode(evaluated.ids))])
        for r in 0..<layout.repeats {
            frames.append(Frame(zeroCopy: pinned, range: layout.folds(repeat: r, rows: all)))
            frames.append(Frame(zeroCopy: pinned, range: layout.scores(repeat: r, rows: all)))
        }
        return .success(frames)
    }

    /// The reply's frames; `payload[0]` is the metrics JSON, split over several frames when large.
    private static func envelopeFrames(_ header: ClientReply.ResultsHeader, payload: [[UInt8]]) -> [Frame] {
        var header = header
        let parts = ClientReply.metricsParts(payload[0])
        header.metricsFrames = parts.count > 1 ? parts.count : nil
        return Envelope(command: "RESULTS_REPLY", header: header, payload: parts + payload.dropFirst()).frames.map { Frame($0) }
    }

    /// A registered dataset, or one opened from the store (and registered).
    static func dataset(_ hash: String, store: any JobStore, registry: DatasetRegistry) -> Dataset? {
        if let entry = registry.entry(hash) { return entry.dataset }
        guard let opened = try? store.openDataset(hash: hash) else { return nil }
        registry.register(hash: hash, dataset: opened)
        return opened
    }
}
