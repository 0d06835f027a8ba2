import Datasets
import Folds
import Learners
import Logging
import Wire

/// The coordinator's logic between the sockets: it turns decoded messages and ticks into replies,
/// task assignments and work to do off the loop, keeping the `Scheduler` and the `JobStore` in step.
/// It owns no socket and reads no clock, so it is tested by feeding it inputs.
///
/// Runs on one task (the coordinator's event loop); not shared between threads.
public final class CoordinatorCore {
    var scheduler: Scheduler
    let store: any JobStore
    let registry: DatasetRegistry
    let software: String
    let makeJobID: () -> String
    var now: Duration = .zero

    /// Worker socket peers by scheduler id, and back.
    var peers: [WorkerID: PeerID] = [:]
    var workerIDs: [PeerID: WorkerID] = [:]
    var jobs: [String: ActiveJob] = [:]
    var uploads: [String: UploadBuffer] = [:]
    /// Job ids by SUBMIT request id, so a resent SUBMIT (the client retries on timeout) does not
    /// start a second job.
    var submissions: [String: String] = [:]
    /// Attempts lost and retried per job, kept after the scheduler forgets a finished job.
    var retried: [String: Int] = [:]
    /// Results stored per job in this process: worker and seconds by task.
    var taskRuns: [String: [Int: (worker: String, seconds: Double)]] = [:]
    /// Metrics of finished jobs that the store refused to keep, retried on ticks.
    var unsavedMetrics: [String: UnsavedMetrics] = [:]

    public init(
        configuration: SchedulerConfiguration = SchedulerConfiguration(),
        store: any JobStore,
        registry: DatasetRegistry,
        software: String,
        makeJobID: @escaping () -> String = CoordinatorCore.randomJobID
    ) {
        self.scheduler = Scheduler(configuration: configuration)
        self.store = store
        self.registry = registry
        self.software = software
        self.makeJobID = makeJobID
    }

    /// Handles one input at time `now` (time since the coordinator started).
    public func handle(_ input: CoordinatorInput, now: Duration) -> [CoordinatorOutput] {
        self.now = max(self.now, now)
        var out: [CoordinatorOutput] = []
        switch input {
        case .worker(let peer, let message, let identity):
            handleWorker(peer, message, identity: identity, into: &out)
        case .client(let peer, let request):
            handleClient(peer, request, into: &out)
        case .malformed(let peer, let socket, let error):
            handleMalformed(peer, socket: socket, error, into: &out)
        case .unreachable(let peer):
            // The worker's connection closed (killed, crashed, or its socket replaced after a
            // silence): a send to it failed. Its ids go, as on DISCONNECT, and the loss is logged
            // even when it held nothing, so that every departure leaves a line.
            if let worker = workerIDs.removeValue(forKey: peer) {
                if peers[worker] == peer { peers[worker] = nil }
                if scheduler.knows(worker) {
                    out.append(.log(.warning, "worker connection lost", ["worker": "\(worker)", "reason": "connection gone"]))
                }
                apply(scheduler.handle(.workerGone(worker, reason: "connection gone"), now: self.now), into: &out)
            }
        case .tick:
            apply(scheduler.handle(.tick, now: self.now), into: &out)
            retryMetricsWrites(into: &out)
        case .uploadVerified(let outcome):
            finishUpload(outcome, into: &out)
        case .metricsComputed(let job, let result):
            finishMetrics(job, result, into: &out)
        }
        return out
    }

    /// When the core next needs a tick.
    public var nextDeadline: Duration? { scheduler.nextDeadline }

    /// 32 lowercase hex digits, like Titanic's and Clarifai's ids.
    public static func randomJobID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    func handleMalformed(_ peer: PeerID, socket: CoordinatorSocket, _ error: WireError, into out: inout [CoordinatorOutput]) {
        out.append(.log(.warning, "dropped a malformed message", [
            "peer": "\(peer)", "socket": "\(socket.rawValue)", "error": "\(error)",
        ]))
        // A peer speaking another version is told why; anything else is dropped silently.
        guard error.kind == .unsupportedVersion else { return }
        let reply = ErrorReply(code: error.kind.rawValue, message: error.message)
        switch socket {
        case .worker: out.append(.toWorker(peer, .error(reply)))
        case .client: out.append(.toClient(peer, .error(reply)))
        case .data: break
        }
    }
}
