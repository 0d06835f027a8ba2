import Datasets
import Logging
import Wire

/// A peer on one of the coordinator's ROUTER sockets: the routing id libzmq gave its connection.
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var description: String { bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
}

/// What reaches the coordinator's core: decoded messages, refusals to answer, time, and the
/// outcome of work done off the event loop.
public enum CoordinatorInput: Sendable {
    /// A message on the worker socket; `identity` is the ZAP User-Id when CURVE is on.
    case worker(PeerID, WorkerMessage, identity: String?)
    /// A request on the client socket; `identity` is the ZAP User-Id (the key's allowlist name)
    /// when CURVE is on, which decides whose jobs and datasets the client may use.
    case client(PeerID, ClientRequest, identity: String? = nil)
    /// A fetcher's SOURCES on the data socket; `identity` is the ZAP User-Id when CURVE is on.
    case sources(PeerID, SourcesRequest, held: ChunkSet, claimed: ChunkSet, identity: String?)
    /// A message that failed to decode, on the worker or client socket.
    case malformed(PeerID, socket: CoordinatorSocket, WireError)
    /// A send to this worker failed because its connection is gone (ROUTER_MANDATORY).
    case unreachable(PeerID)
    case tick
    /// The process is stopping its own workers (the embedded cluster): their connections closing
    /// is expected, so it is logged at debug level instead of as a warning.
    case workersLeaving
    /// A `.persist` write returned: nil, or why the store refused it.
    case persisted(StoreWrite, JobStoreError?)
    /// An upload chunk of `.spoolUpload` is written to the dataset's file.
    case uploadWritten(UploadReceipt)
    /// An upload ended: its last chunk written and the file verified, opened and kept by the store,
    /// or the reason it was refused.
    case uploadVerified(UploadOutcome)
    /// A stored dataset asked for with `.openDataset` is open (or absent or damaged: nil).
    case datasetOpened(String, Result<Dataset?, JobStoreError>)
    /// A finished job's metrics were computed off the loop, or why they could not be.
    case metricsComputed(job: String, Result<ComputedMetrics, MetricsFailure>)
}

public enum CoordinatorSocket: String, Sendable {
    case worker, client, data
}

/// What the shell must do for the core.
public enum CoordinatorOutput: Sendable {
    case toWorker(PeerID, CoordinatorMessage)
    case toClient(PeerID, ClientReply)
    /// A reply on the data socket (SOURCES).
    case toData(PeerID, DataReply)
    /// Write to the job store, off the loop and in order with the other writes, then feed back
    /// `.persisted`.
    case persist(StoreWrite)
    /// Write an upload chunk to its dataset's file off the loop (the first chunk creates it), then
    /// feed back `.uploadWritten`, or `.uploadVerified` after the last chunk or a failure.
    case spoolUpload(UploadChunk)
    /// Drop an unfinished upload's file.
    case abandonUpload(String)
    /// Open a stored dataset off the loop (map it, check it, decode its labels and ids), then feed
    /// back `.datasetOpened`.
    case openDataset(String)
    /// Compute a finished job's metrics off the loop, reading its results from the store, then
    /// feed back `.metricsComputed`.
    case computeMetrics(MetricsRequest)
    /// Answer a RESULTS request off the loop: read the metrics and, for predictions, a page of
    /// them from the store, and send the reply (or the reason it cannot be made) to the client.
    case serveResults(ResultsRequest)
    case log(Logger.Level, Logger.Message, Logger.Metadata)
}

/// One chunk of an upload, in order, for the shell to write.
public struct UploadChunk: Sendable {
    public let receipt: UploadReceipt
    /// The whole dataset's size.
    public let size: Int
    public let offset: Int
    public let bytes: [UInt8]

    public var isFirst: Bool { offset == 0 }
    public var isLast: Bool { receipt.end == size }
}

/// Who to answer about an upload chunk, and how far the upload reaches with it.
public struct UploadReceipt: Sendable, Equatable {
    public let client: PeerID
    public let request: String
    public let hash: String
    /// The chunk's end: bytes contiguous from 0 once it is written.
    public let end: Int
}

public struct UploadOutcome: Sendable {
    public let receipt: UploadReceipt
    /// The dataset, mapped from its verified file (kept by the store when it keeps datasets), or
    /// why the upload is refused: `invalid-dataset` for bytes that are not the dataset, or
    /// `store-failed` when the file cannot be written.
    public let result: Result<Dataset, UploadFailure>
}

public struct UploadFailure: Error, Sendable, CustomStringConvertible {
    /// The refusal code the client gets.
    public let code: String
    public let message: String
    public var description: String { message }
}

/// Why metrics could not be computed.
public struct MetricsFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
