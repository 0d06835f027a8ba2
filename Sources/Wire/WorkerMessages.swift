import Foundation

/// Messages a worker sends on the coordinator's worker (control) socket.
public enum WorkerMessage: Sendable, Equatable {
    case ready(Ready)
    case heartbeat
    case progress(TaskRef)
    case result(TaskResult, scores: [Float])
    case failed(TaskFailure)
    case have(DatasetRef)
    case disconnect(Reason)

    public struct Ready: Sendable, Codable, Equatable {
        /// A name for logs (host name and pid by default); not an identity.
        public var name: String
        public var slots: Int
        public var threads: Int
        /// Canonical dataset hashes the worker holds in its cache.
        public var cached: [String]
        public var software: String
        /// Tasks the worker still holds from an earlier connection (running, or waiting for their
        /// dataset), so the coordinator moves their leases to this connection instead of
        /// requeueing them. Absent on a first connection.
        public var holding: [TaskRef]?
        /// Where the worker serves the chunks it holds to other workers (`tcp://HOST:PORT`);
        /// absent when it serves none.
        public var peerEndpoint: String?

        public init(
            name: String, slots: Int, threads: Int, cached: [String], software: String, holding: [TaskRef]? = nil,
            peerEndpoint: String? = nil
        ) {
            self.name = name
            self.slots = slots
            self.threads = threads
            self.cached = cached
            self.software = software
            self.holding = holding
            self.peerEndpoint = peerEndpoint
        }
    }

    public struct TaskResult: Sendable, Codable, Equatable {
        public var job: String
        public var task: Int
        public var attempt: Int
        public var rows: Int
        public var concepts: Int
        public var seconds: Double

        public init(job: String, task: Int, attempt: Int, rows: Int, concepts: Int, seconds: Double) {
            self.job = job
            self.task = task
            self.attempt = attempt
            self.rows = rows
            self.concepts = concepts
            self.seconds = seconds
        }
    }

    public struct TaskFailure: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            /// The learner refused or failed deterministically: retrying elsewhere gives the same.
            case learner
            /// The dataset could not be fetched or verified.
            case dataset
            /// Anything else on the worker (out of memory, a crash of a child process).
            case `internal`
        }

        public var job: String
        public var task: Int
        public var attempt: Int
        public var kind: Kind
        public var message: String

        public init(job: String, task: Int, attempt: Int, kind: Kind, message: String) {
            self.job = job
            self.task = task
            self.attempt = attempt
            self.kind = kind
            self.message = message
        }
    }

    /// The frames after the protocol tag: command, header, binary payload.
    public var envelope: Envelope {
        switch self {
        case .ready(let ready): Envelope(command: "READY", header: ready)
        case .heartbeat: Envelope(command: "HEARTBEAT", header: Empty())
        case .progress(let ref): Envelope(command: "PROGRESS", header: ref)
        case .result(let result, let scores):
            Envelope(command: "RESULT", header: Data(result.headerBytes), payload: [BinaryArrays.bytes(scores)])
        case .failed(let failure): Envelope(command: "FAILED", header: failure)
        case .have(let ref): Envelope(command: "HAVE", header: ref)
        case .disconnect(let reason): Envelope(command: "DISCONNECT", header: reason)
        }
    }

    /// Decodes and validates a message from its frames (routing id removed).
    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> WorkerMessage {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "READY":
            try envelope.requirePayload(0)
            let ready = try envelope.decodeHeader(Ready.self)
            guard (1...1024).contains(ready.slots), (1...1024).contains(ready.threads),
                  ready.cached.count <= WireProtocol.maxCachedHashes, (ready.holding?.count ?? 0) <= 4096,
                  ready.cached.allSatisfy(DatasetRef.isHash), ready.peerEndpoint.map(PeerEndpoint.isValid) ?? true
            else { throw WireError(.malformed, "READY has slots/threads outside 1...1024, bad dataset hashes or a peer endpoint that is not tcp://HOST:PORT") }
            return .ready(ready)
        case "HEARTBEAT":
            try envelope.requirePayload(0)
            return .heartbeat
        case "PROGRESS":
            try envelope.requirePayload(0)
            return .progress(try envelope.decodeHeader(TaskRef.self))
        case "RESULT":
            try envelope.requirePayload(1)
            let result = try envelope.decodeHeader(TaskResult.self, directly: TaskResult.read)
            guard result.rows >= 0, result.concepts > 0, result.rows <= Int(Int32.max) / result.concepts else {
                throw WireError(.malformed, "RESULT has an impossible shape \(result.rows) x \(result.concepts)")
            }
            let scores = try BinaryArrays.floats(
                envelope.payload[0], count: result.rows * result.concepts, what: "RESULT scores")
            return .result(result, scores: scores)
        case "FAILED":
            try envelope.requirePayload(0)
            return .failed(try envelope.decodeHeader(TaskFailure.self))
        case "HAVE":
            try envelope.requirePayload(0)
            let ref = try envelope.decodeHeader(DatasetRef.self)
            guard DatasetRef.isHash(ref.dataset) else { throw WireError(.malformed, "HAVE names no dataset hash") }
            return .have(ref)
        case "DISCONNECT":
            return .disconnect((try? envelope.decodeHeader(Reason.self)) ?? Reason(reason: "unspecified"))
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a worker command")
        }
    }
}

/// Messages the coordinator sends to a worker on the control socket.
public enum CoordinatorMessage: Sendable, Equatable {
    case heartbeat
    case task(TaskAssignment, testRows: [Int32])
    case cancel(TaskRef)
    case disconnect(Reason)
    case error(ErrorReply)
    /// The worker keys a worker's data port admits (CURVE clusters only).
    case admit(Admit)

    public var envelope: Envelope {
        switch self {
        case .admit(let admit): Envelope(command: "ADMIT", header: admit)
        case .heartbeat: Envelope(command: "HEARTBEAT", header: Empty())
        case .task(let task, let rows):
            Envelope(
                command: "TASK", header: Data(task.headerBytes),
                payload: [BinaryArrays.bytes(rows)] + (task.rowFolds.map { [$0] } ?? []))
        case .cancel(let ref): Envelope(command: "CANCEL", header: ref)
        case .disconnect(let reason): Envelope(command: "DISCONNECT", header: reason)
        case .error(let reply): Envelope(command: "ERROR", header: reply)
        }
    }

    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> CoordinatorMessage {
        let envelope = try Envelope.parse(frames)
        switch envelope.command {
        case "HEARTBEAT":
            return .heartbeat
        case "TASK":
            var task = try envelope.decodeHeader(TaskAssignment.self, directly: TaskAssignment.read)
            try envelope.requirePayload(task.partitionFolds == nil ? 1 : 2)
            guard DatasetRef.isHash(task.dataset), task.holdout.map(DatasetRef.isHash) ?? true,
                  task.testRows >= 0, task.leaseMilliseconds > 0, task.partitionFolds.map({ $0 >= 2 && $0 <= 256 }) ?? true
            else { throw WireError(.malformed, "TASK has a bad dataset hash, row count, lease or fold count") }
            let rows = try BinaryArrays.int32s(envelope.payload[0], count: task.testRows, what: "TASK test rows")
            if task.partitionFolds != nil { task.rowFolds = envelope.payload[1] }
            return .task(task, testRows: rows)
        case "CANCEL":
            return .cancel(try envelope.decodeHeader(TaskRef.self))
        case "DISCONNECT":
            return .disconnect((try? envelope.decodeHeader(Reason.self)) ?? Reason(reason: "unspecified"))
        case "ERROR":
            return .error(try envelope.decodeHeader(ErrorReply.self))
        case "ADMIT":
            try envelope.requirePayload(0)
            let admit = try envelope.decodeHeader(Admit.self)
            guard admit.keys.allSatisfy({ $0.utf8.count == 40 }) else {
                throw WireError(.malformed, "ADMIT lists keys that are not 40-character Z85 public keys")
            }
            return .admit(admit)
        default:
            throw WireError(.unknownCommand, "\(envelope.command) is not a coordinator-to-worker command")
        }
    }
}

/// One train/predict task handed to a worker.
public struct TaskAssignment: Sendable, Codable, Equatable {
    public var job: String
    public var task: Int
    public var attempt: Int
    /// Canonical hash of the training dataset (the cross-validated one).
    public var dataset: String
    /// With a holdout: train on all of `dataset`, predict all of this one; `testRows` is then 0.
    public var holdout: String?
    public var repeatIndex: Int
    public var fold: Int
    /// Number of Int32 row indices in the payload frame: the held-out rows, increasing.
    public var testRows: Int
    /// The learner: the job's, or in a sweep the configuration's that this task evaluates.
    public var model: String
    public var params: [String: String]
    public var seed: UInt64
    /// The worker reports PROGRESS well within this; without it the task is requeued.
    public var leaseMilliseconds: Int
    /// For a learner that fits from per-fold sums (`centroid`, `naive-bayes`) in a plan of at most
    /// 256 folds: the plan's fold count; the second payload frame (`rowFolds`) then holds the fold of
    /// every dataset row in this repeat, one byte each.
    public var partitionFolds: Int?
    /// The second payload frame; not part of the header.
    public var rowFolds: [UInt8]?

    private enum CodingKeys: String, CodingKey {
        case job, task, attempt, dataset, holdout, repeatIndex, fold, testRows, model, params, seed, leaseMilliseconds
        case partitionFolds
    }

    public init(
        job: String, task: Int, attempt: Int, dataset: String, holdout: String?, repeatIndex: Int, fold: Int,
        testRows: Int, model: String, params: [String: String], seed: UInt64, leaseMilliseconds: Int,
        partitionFolds: Int? = nil, rowFolds: [UInt8]? = nil
    ) {
        precondition((partitionFolds == nil) == (rowFolds == nil), "the fold count travels with the row folds")
        self.partitionFolds = partitionFolds
        self.rowFolds = rowFolds
        self.job = job
        self.task = task
        self.attempt = attempt
        self.dataset = dataset
        self.holdout = holdout
        self.repeatIndex = repeatIndex
        self.fold = fold
        self.testRows = testRows
        self.model = model
        self.params = params
        self.seed = seed
        self.leaseMilliseconds = leaseMilliseconds
    }
}

/// Names one attempt of one task.
public struct TaskRef: Sendable, Codable, Equatable, Hashable {
    public var job: String
    public var task: Int
    public var attempt: Int

    public init(job: String, task: Int, attempt: Int) {
        self.job = job
        self.task = task
        self.attempt = attempt
    }
}

/// Names a dataset by its canonical SHA-256.
public struct DatasetRef: Sendable, Codable, Equatable {
    public var dataset: String
    public init(dataset: String) { self.dataset = dataset }

    /// 64 lowercase hex digits.
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Why a peer is being let go.
public struct Reason: Sendable, Codable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// A refusal: a stable code and a sentence saying what to do.
public struct ErrorReply: Sendable, Codable, Equatable {
    public var request: String?
    public var code: String
    public var message: String

    public init(request: String? = nil, code: String, message: String) {
        self.request = request
        self.code = code
        self.message = message
    }
}

struct Empty: Codable {}
