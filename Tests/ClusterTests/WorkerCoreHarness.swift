import Cluster
import Logging
import Wire

/// A worker core driven by a mock clock: `send` applies an input at the current time, `advance`
/// moves the clock in 100 ms ticks (as the shell does) and collects the outputs.
struct WorkerHarness {
    var core: WorkerCore
    var clock: Duration = .zero
    /// What `fromDataWriting` wrote, by dataset.
    var files: [String: [UInt8]] = [:]

    init(slots: Int = 1, cached: Set<String> = [], jitter: Double = 0, chunkBytes: Int = 1 << 20, credit: Int = 8,
         resendsUnconfirmed: Bool = true) {
        core = WorkerCore(
            configuration: WorkerConfiguration(
                name: "w1", slots: slots, threads: 2, software: "crossfold-test", reconnectJitter: jitter,
                fetchCredit: credit, chunkBytes: chunkBytes, resendsUnconfirmed: resendsUnconfirmed),
            cached: cached)
    }

    var generation: Int { core.status.generation }

    @discardableResult
    mutating func send(_ input: WorkerInput) -> [WorkerOutput] {
        core.handle(input, now: clock)
    }

    /// Ticks every 100 ms for `duration`, returning everything output on the way.
    @discardableResult
    mutating func advance(_ duration: Duration) -> [WorkerOutput] {
        var out: [WorkerOutput] = []
        let end = clock + duration
        while clock < end {
            clock = min(end, clock + .milliseconds(100))
            out += send(.tick)
        }
        return out
    }

    /// Starts, and registers by hearing the coordinator's first heartbeat.
    @discardableResult
    mutating func register() -> [WorkerOutput] {
        var out = send(.start)
        out += fromCoordinator(.heartbeat)
        return out
    }

    @discardableResult
    mutating func fromCoordinator(_ message: CoordinatorMessage) -> [WorkerOutput] {
        send(.control(message, generation: generation))
    }

    @discardableResult
    mutating func fromData(_ reply: DataReply) -> [WorkerOutput] {
        send(.data(reply, generation: generation))
    }

    /// Sends a data reply and, as the shell would, writes the chunks it asks to write (into
    /// `files`) and reports them written; returns every output on the way.
    @discardableResult
    mutating func fromDataWriting(_ reply: DataReply) -> [WorkerOutput] {
        var out = fromData(reply)
        var index = 0
        while index < out.count {
            if case .writeChunk(let hash, let size, let offset, let bytes) = out[index] {
                var file = files[hash] ?? [UInt8](repeating: 0, count: size)
                file.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
                files[hash] = file
                out += send(.chunkWritten(hash, offset: offset))
            }
            index += 1
        }
        return out
    }

    @discardableResult
    mutating func task(_ number: Int, dataset: String, holdout: String? = nil, job: String = "j", attempt: Int = 1) -> [WorkerOutput] {
        fromCoordinator(.task(assignment(number, dataset: dataset, holdout: holdout, job: job, attempt: attempt), testRows: [0, 2]))
    }
}

func assignment(_ number: Int, dataset: String, holdout: String? = nil, job: String = "j", attempt: Int = 1) -> TaskAssignment {
    TaskAssignment(
        job: job, task: number, attempt: attempt, dataset: dataset, holdout: holdout, repeatIndex: 0, fold: number,
        testRows: 2, model: "logistic", params: [:], seed: 7, leaseMilliseconds: 30_000)
}

/// A 64-digit hash made of one repeated hex digit, for tests that never look inside.
func fakeHash(_ digit: Character) -> String {
    String(repeating: digit, count: 64)
}

extension Array where Element == WorkerOutput {
    /// Control messages sent, in order.
    var sent: [WorkerMessage] {
        compactMap { if case .sendControl(let message) = $0 { message } else { nil } }
    }

    var fetches: [FetchRequest] {
        compactMap { if case .sendData(let request) = $0 { request } else { nil } }
    }

    var started: [TaskAssignment] {
        compactMap { if case .startTask(let task, _) = $0 { task } else { nil } }
    }

    var resolved: [String] {
        compactMap { if case .resolveDataset(let hash) = $0 { hash } else { nil } }
    }

    /// Chunks to write: dataset, size, offset, bytes.
    var writes: [(String, Int, Int, [UInt8])] {
        compactMap { if case .writeChunk(let hash, let size, let offset, let bytes) = $0 { (hash, size, offset, bytes) } else { nil } }
    }

    /// Datasets whose every chunk is written, to be verified and opened.
    var finished: [String] {
        compactMap { if case .finishFetch(let hash) = $0 { hash } else { nil } }
    }

    var logs: [String] {
        compactMap { if case .log(_, let message, _) = $0 { message.description } else { nil } }
    }

    /// Everything but logs.
    var actions: [WorkerOutput] {
        filter { if case .log = $0 { false } else { true } }
    }

    var heartbeats: Int { sent.filter { $0 == .heartbeat }.count }

    var readies: [WorkerMessage.Ready] {
        sent.compactMap { if case .ready(let ready) = $0 { ready } else { nil } }
    }

    var progress: [TaskRef] {
        sent.compactMap { if case .progress(let ref) = $0 { ref } else { nil } }
    }

    var failures: [WorkerMessage.TaskFailure] {
        sent.compactMap { if case .failed(let failure) = $0 { failure } else { nil } }
    }
}
