import Logging
import Wire

/// The worker's two sockets to the coordinator.
public enum WorkerSocket: String, Sendable {
    /// The control DEALER: READY, HEARTBEAT, TASK, PROGRESS, RESULT, CANCEL, DISCONNECT.
    case control
    /// The data DEALER: FETCH, MANIFEST and SOURCES, and their replies.
    case data
    /// A DEALER to another worker's data port, or this worker's own data port (ROUTER).
    case peer
}

/// A worker asking this one for chunks: the routing id of its connection to this worker's data port.
public struct PeerRequester: Hashable, Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// What reaches `WorkerCore`: decoded messages, time, and the outcome of work done off the loop.
/// Messages carry the generation of the connection they came on (or were refused on), so
/// leftovers of a connection the core has replaced are recognised.
public enum WorkerInput: Sendable {
    /// The service started: connect.
    case start
    /// Time passed (the shell ticks every 100 ms).
    case tick
    case control(CoordinatorMessage, generation: Int)
    case data(DataReply, generation: Int)
    /// A message on `socket` that failed to decode.
    case malformed(WorkerSocket, WireError)
    /// The control socket could not take this message (no connection yet, with IMMEDIATE): nothing went out.
    case controlRefused(WorkerMessage, generation: Int)
    /// The data socket could not take this request.
    case dataRefused(DataRequest, generation: Int)
    /// A reply from the peer at `endpoint` (a CHUNK or DECLINED).
    case peerData(String, DataReply)
    /// The connection to the peer at `endpoint` could not take this FETCH.
    case peerRefused(String, FetchRequest)
    /// Another worker asks this one for a chunk.
    case peerRequest(PeerRequester, FetchRequest)
    /// The outcome of `.resolveDataset`: where the dataset was found, or nil when it must be fetched.
    case datasetResolved(String, DatasetOrigin?)
    /// A chunk of `.writeChunk` is written to the dataset's file.
    case chunkWritten(String, offset: Int)
    /// A chunk of `.writeChunk` could not be written (a full disk): the fetch fails.
    case chunkWriteFailed(String, reason: String)
    /// A chunk of `.writeChunk` did not match its digest: not written.
    case chunkRejected(String, offset: Int, reason: String)
    /// The outcome of `.finishFetch`.
    case datasetStored(String, DatasetStoreOutcome)
    /// The cache dropped these datasets to stay under its size cap.
    case datasetsEvicted([String])
    /// A compute thread finished a task.
    case taskFinished(TaskRef, TaskOutcome)
    /// SIGTERM or `WorkerService.shutdown()`: say DISCONNECT and stop.
    case shutdown
}

/// Where a dataset the worker did not have to fetch was found.
public enum DatasetOrigin: String, Sendable, Equatable {
    /// The process-wide registry (an embedded coordinator in the same process).
    case shared
    /// Decoded in memory already.
    case memory
    /// The disk cache.
    case disk
    /// Fetched from the coordinator just now.
    case fetched
}

/// What became of a fetched dataset handed to `.finishFetch`.
public enum DatasetStoreOutcome: Sendable, Equatable {
    /// Verified and open; `evicted` are hashes dropped from the cache to make room.
    case stored(evicted: [String])
    /// The bytes do not hash to what was asked for, or do not decode as a dataset.
    case rejected(String)
}

/// How a task ended on its compute thread.
public enum TaskOutcome: Sendable, Equatable {
    case succeeded(scores: [Float], rows: Int, concepts: Int, seconds: Double)
    case failed(WorkerMessage.TaskFailure.Kind, message: String, seconds: Double)
    /// A dataset the core believed available could not be loaded (evicted, deleted or damaged on
    /// disk): the task waits again while the dataset is fetched anew.
    case datasetUnavailable(String, reason: String)
}

/// What the shell must do for the core, in order.
public enum WorkerOutput: Sendable, Equatable {
    /// Close any sockets, open new control and data sockets and connect them; inputs of the new
    /// connection carry `generation`.
    case connect(generation: Int)
    /// Close both sockets without reconnecting (the core asks for `connect` later).
    case closeConnection
    case sendControl(WorkerMessage)
    case sendData(DataRequest)
    /// Open a connection to another worker's data port (CURVE with its `publicKey` when the
    /// cluster uses keys); replies come back as `.peerData`.
    case connectPeer(String, publicKey: String?)
    /// Close the connection to a peer no fetch needs any more.
    case closePeer(String)
    case sendPeer(String, FetchRequest)
    /// Answer another worker's FETCH with the chunk's bytes (off the loop): from the partial
    /// file of a fetch under way when `partial`, else from the cached dataset.
    case servePeer(PeerRequester, FetchRequest, partial: Bool)
    /// Answer another worker's FETCH without bytes.
    case declinePeer(PeerRequester, Declined)
    /// Admit these worker keys on this worker's data port (CURVE).
    case admitPeers([String])
    /// A dataset's fetch got its manifest: chunks written from now on are checked against these
    /// digests.
    case beginFetch(String, Manifest, digests: [UInt8])
    /// Look for the dataset in the process-wide registry, in memory and on disk (off the loop),
    /// then feed back `.datasetResolved`.
    case resolveDataset(String)
    /// Check a fetched chunk against its digest and write it into the dataset's file at `offset`
    /// (off the loop), then feed back `.chunkWritten`, or `.chunkRejected` when it does not match.
    case writeChunk(String, size: Int, offset: Int, bytes: [UInt8])
    /// Every chunk is written: check the hash, open the dataset (off the loop) and feed back
    /// `.datasetStored`; then make the file a durable cache entry in the background.
    case finishFetch(String)
    /// Drop the dataset's partial file (the fetch failed).
    case abandonFetch(String)
    /// Run the task on a free compute thread, then feed back `.taskFinished`.
    case startTask(TaskAssignment, testRows: [Int32])
    /// Ask the running task to stop at its next check (`FoldCancellation`); `.taskFinished` still
    /// follows, and the core discards its outcome.
    case stopTask(TaskRef)
    /// DISCONNECT has been sent: flush it, close the sockets and return from `run()`.
    case stop
    case log(Logger.Level, Logger.Message, Logger.Metadata)
}

/// The core's state as health checks see it.
public struct WorkerStatus: Sendable, Equatable {
    /// Registered with the coordinator and heard from it within the silence limit.
    public var connected: Bool
    /// Core time the coordinator was last heard from; nil before the first message.
    public var lastHeard: Duration?
    /// Tasks on compute threads (including cancelled ones still finishing).
    public var running: Int
    /// Tasks held but not started: waiting for a dataset or a slot.
    public var waiting: Int
    /// Datasets being fetched.
    public var fetching: Int
    /// Connections opened so far.
    public var generation: Int
}
