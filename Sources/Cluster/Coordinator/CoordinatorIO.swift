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
    case client(PeerID, ClientRequest)
    /// A message that failed to decode, on the worker or client socket.
    case malformed(PeerID, socket: CoordinatorSocket, WireError)
    /// A send to this worker failed because its connection is gone (ROUTER_MANDATORY).
    case unreachable(PeerID)
    case tick
    /// An upload's bytes were hashed and decoded off the loop.
    case uploadVerified(UploadOutcome)
    /// A finished job's metrics were computed off the loop (EvalMetrics JSON or the reason it failed).
    case metricsComputed(job: String, Result<[UInt8], MetricsFailure>)
}

public enum CoordinatorSocket: String, Sendable {
    case worker, client, data
}

/// What the shell must do for the core.
public enum CoordinatorOutput: Sendable {
    case toWorker(PeerID, CoordinatorMessage)
    case toClient(PeerID, ClientReply)
    /// Hash and decode an upload off the loop, then feed back `.uploadVerified`.
    case verifyUpload(PendingUpload)
    /// Compute a finished job's metrics off the loop, then feed back `.metricsComputed`.
    case computeMetrics(MetricsRequest)
    case log(Logger.Level, Logger.Message, Logger.Metadata)
}

/// A completed upload waiting to be verified.
public struct PendingUpload: Sendable {
    public let client: PeerID
    public let request: String
    public let hash: String
    public let bytes: [UInt8]
}

public struct UploadOutcome: Sendable {
    public let upload: PendingUpload
    public let result: Result<Dataset, DatasetError>
    /// Whether the bytes were already written to the job store off the event loop (a large
    /// dataset takes seconds to flush to disk); if not, the core writes them.
    public var keptInStore = false
    /// Why the job store refused the bytes, when writing them off the loop failed.
    public var storeError: JobStoreError?
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
