import Datasets
import Folds
import Learners
import Logging
import Wire

/// The coordinator's logic between the sockets: it turns decoded messages, ticks and the outcomes
/// of work done off the loop into replies, task assignments and more work to do off the loop,
/// keeping the `Scheduler` and the job store in step. It owns no socket, reads no clock and does
/// no I/O: store writes go out as `.persist` and come back as `.persisted`, and only then does the
/// core act on them; the job store is only asked what its in-memory index knows.
///
/// A value, held and mutated by the coordinator's event loop alone.
public struct CoordinatorCore: Sendable {
    var scheduler: Scheduler
    let store: any JobStore
    let registry: DatasetRegistry
    let software: String
    let makeJobID: @Sendable () -> String
    var now: Duration = .zero
    /// Set by `.workersLeaving`: a worker's connection closing is expected from then on.
    var workersLeaving = false

    /// Worker socket peers by scheduler id, and back.
    var peers: [WorkerID: PeerID] = [:]
    var workerIDs: [PeerID: WorkerID] = [:]
    var jobs: [String: ActiveJob] = [:]
    var uploads: [String: UploadState] = [:]
    /// Job ids by SUBMIT request id, so a resent SUBMIT (the client retries on timeout) does not
    /// start a second job.
    var submissions: [String: String] = [:]
    /// Jobs whose creation is being written, with the clients waiting for SUBMITTED.
    var creating: [String: [(peer: PeerID, request: String)]] = [:]
    /// Submissions waiting for a stored dataset to be opened, by dataset hash.
    var opening: [String: [PendingSubmission]] = [:]
    /// Attempts lost and retried per job, kept after the scheduler forgets a finished job.
    var retried: [String: Int] = [:]
    /// Tasks whose lost attempts are being written: their next TASK waits for the write.
    var recordingLoss: Set<TaskKey> = []
    var heldAssignments: [TaskKey: (worker: WorkerID, attempt: TaskAttempt)] = [:]
    /// Metrics of finished jobs that the store refused to keep, retried on ticks.
    var unsavedMetrics: [String: UnsavedMetrics] = [:]
    /// Where registered workers serve chunks (READY's `peer_endpoint`).
    var peerEndpoints: [WorkerID: String] = [:]
    var peerTracker = PeerTracker()
    /// With CURVE: the Z85 public key of each name in `workers.allow`.
    let workerKeys: [String: String]
    /// With CURVE: whose jobs and datasets each client key may use. Nil without keys (all shared).
    let access: ClientAccess?
    /// With CURVE: the client keys that uploaded each dataset, or own a job that uses it (rebuilt
    /// from the stored jobs at start), so that only they learn the coordinator holds it.
    var datasetHolders: [String: Set<String>] = [:]
    /// Results of check attempts, until their task is settled (CoordinatorCore+Verification.swift).
    var heldChecks: [TaskAttempt: StoredResult] = [:]
    /// Replacements of wrong results being written, per job; its metrics wait for them.
    var replacing: [String: Int] = [:]
    /// Jobs whose tasks are all settled, waiting for `replacing` to drain before their metrics.
    var completing: Set<String> = []
    /// Seeds the choice of tasks to check (random, so workers cannot predict it).
    let makeVerifySeed: @Sendable () -> UInt64
    /// The memory this coordinator may use (`HostMemory.limitBytes`: the host's, or its cgroup's
    /// limit); a job may have as many tasks as half of it holds (`JobLimits.memoryRefusal`).
    let memoryBytes: Int

    public init(
        configuration: SchedulerConfiguration = SchedulerConfiguration(),
        store: any JobStore,
        registry: DatasetRegistry,
        software: String,
        workerKeys: [String: String] = [:],
        access: ClientAccess? = nil,
        makeJobID: @escaping @Sendable () -> String = CoordinatorCore.randomJobID,
        makeVerifySeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) },
        memoryBytes: Int = JobLimits.defaultMemoryBytes
    ) {
        self.makeVerifySeed = makeVerifySeed
        self.memoryBytes = memoryBytes
        self.workerKeys = workerKeys
        self.access = access
        self.scheduler = Scheduler(configuration: configuration)
        self.store = store
        self.registry = registry
        self.software = software
        self.makeJobID = makeJobID
    }

    /// Handles one input at time `now` (time since the coordinator started).
    public mutating func handle(_ input: CoordinatorInput, now: Duration) -> [CoordinatorOutput] {
        self.now = max(self.now, now)
        var out: [CoordinatorOutput] = []
        switch input {
        case .worker(let peer, let message, let identity):
            handleWorker(peer, message, identity: identity, into: &out)
        case .client(let peer, let request, let identity):
            handleClient(peer, request, identity: identity, into: &out)
        case .sources(let peer, let request, let held, let claimed, let identity):
            sources(peer, request, held: held, claimed: claimed, identity: identity, into: &out)
        case .malformed(let peer, let socket, let error):
            handleMalformed(peer, socket: socket, error, into: &out)
        case .unreachable(let peer):
            // The worker's connection closed (killed, crashed, or its socket replaced after a
            // silence): a send to it failed. Its ids go, as on DISCONNECT, and the loss is logged
            // even when it held nothing, so that every departure leaves a line.
            if let worker = workerIDs.removeValue(forKey: peer) {
                if peers[worker] == peer {
                    peers[worker] = nil
                    peerLeft(worker)
                }
                if scheduler.knows(worker) {
                    out.append(.log(workersLeaving ? .debug : .warning, "worker connection lost",
                                    ["worker": "\(worker)", "reason": "connection gone"]))
                }
                apply(scheduler.handle(.workerGone(worker, reason: "connection gone"), now: self.now), into: &out)
            }
        case .workersLeaving:
            workersLeaving = true
        case .tick:
            apply(scheduler.handle(.tick, now: self.now), into: &out)
            retryMetricsWrites(into: &out)
        case .persisted(let write, let error):
            persisted(write, error: error, into: &out)
        case .uploadWritten(let receipt):
            uploadWritten(receipt, into: &out)
        case .uploadVerified(let outcome):
            finishUpload(outcome, into: &out)
        case .datasetOpened(let hash, let result):
            datasetOpened(hash, result, into: &out)
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

    /// Carries a finished store write forward.
    mutating func persisted(_ write: StoreWrite, error: JobStoreError?, into out: inout [CoordinatorOutput]) {
        switch write {
        case .createJob(let job):
            jobCreated(job, error: error, into: &out)
        case .result(let result, let worker):
            resultKept(result, by: worker, error: error, into: &out)
        case .recomputedResult(let result, let worker):
            resultKept(result, by: worker, error: error, into: &out)
        case .adoptedCheck(let result):
            replacementKept(result, error: error, into: &out)
        case .lostAttempts(let job, let task, _):
            let key = TaskKey(job: job, task: task)
            recordingLoss.remove(key)
            if let error {
                out.append(.log(.error, "could not record a lost attempt; after a restart the fold gets it back", [
                    "task": "\(job)/\(task)", "error": "\(error)",
                ]))
            }
            releaseHeldAssignment(key, into: &out)
        case .jobState(let job, let state, _):
            if let error {
                out.append(.log(.error, "could not record a job's end; after a restart the job resumes", [
                    "job": "\(job)", "state": "\(state.rawValue)", "error": "\(error)",
                ]))
            }
        case .finished(let job, let metrics):
            metricsKept(job, metrics, error: error, into: &out)
        }
    }
}

/// A task of a job, whatever the attempt.
struct TaskKey: Hashable, Sendable {
    let job: String
    let task: Int
}

/// A SUBMIT waiting for its dataset to be opened from the store.
struct PendingSubmission: Sendable {
    let peer: PeerID
    let request: String
    let spec: JobSpec
    /// The submitting client key's allowlist name, with keys.
    let owner: String?
}
