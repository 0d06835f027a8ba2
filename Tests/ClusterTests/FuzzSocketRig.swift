import Cluster
import Datasets
import Foundation
import Learners
import Synchronization
import TestSupport
import Wire
import ZeroMQ

/// What the socket fuzz did, for the test's checks and report.
struct FuzzRigStatistics: Sendable {
    var sent: [FuzzTarget: Int] = [:]
    /// Messages a socket could not take (its high-water mark): dropped, never waited for.
    var dropped: [FuzzTarget: Int] = [:]
    /// Generated messages not sent because they would have registered a junk peer, or made a
    /// registered fuzz worker give up tasks it holds.
    var skipped: [FuzzTarget: Int] = [:]
    var replies: [String: Int] = [:]
    var rounds = 0
    var probes = 0
    var slowestProbe: Duration = .zero
    var probeTimeouts = 0
    var tasksAnswered = 0
    var jobsCancelled = 0
    var reRegistrations = 0
    var failure: String?
    var finished = false
}

/// The attacking side of the socket fuzz: DEALER sockets on a thread of their own sending seeded
/// random and mutated messages to a coordinator's three sockets, in batches, reading replies
/// without blocking, and pacing itself by an INFO probe after each batch so the coordinator's
/// queues stay short (its ROUTERs drop rather than block when they do fill).
///
/// Worker-socket messages come from two kinds of peer: junk peers that never send a valid READY
/// (so they exercise everything an unregistered peer can do), and registered fuzz workers that
/// answer each TASK they are given correctly (so the jobs run beside the fuzz stay exact) while
/// sending junk about every other task: RESULTs for attempts never handed out, FAILED and PROGRESS
/// for tasks other workers hold, HAVEs, heartbeats, mutated messages of every kind.
final class FuzzSocketRig: Sendable {
    struct Configuration: Sendable {
        var seed: UInt64
        var perTarget: Int
        var batch: Int
        var endpoints: CoordinatorEndpoints
        var world: FuzzWorld
        var dataset: Dataset
        var maxAttempts: Int
    }

    let configuration: Configuration
    let statistics = Mutex(FuzzRigStatistics())

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    var isFinished: Bool { statistics.withLock { $0.finished } }

    func start() {
        let thread = Thread { [self] in
            do {
                try run()
            } catch {
                statistics.withLock { $0.failure = "\(error)" }
            }
            statistics.withLock { $0.finished = true }
        }
        thread.name = "crossfold.fuzz.sockets"
        thread.start()
    }

    /// One fuzz peer: a DEALER and, for a registered fuzz worker, whether it is registered.
    private final class Peer {
        let socket: Socket
        let target: FuzzTarget
        let registers: Bool
        init(_ socket: Socket, _ target: FuzzTarget, registers: Bool = false) {
            self.socket = socket
            self.target = target
            self.registers = registers
        }
    }

    private func run() throws {
        let config = configuration
        let context = try Context(blocky: false)
        func dealer(_ endpoint: String) throws -> Socket {
            let socket = try context.makeSocket(.dealer)
            try socket.set(.linger, .zero)
            try socket.connect(endpoint)
            return socket
        }
        var peers: [Peer] = []
        for _ in 0..<4 { peers.append(Peer(try dealer(config.endpoints.client), .client)) }
        for _ in 0..<4 { peers.append(Peer(try dealer(config.endpoints.data), .data)) }
        for index in 0..<4 { peers.append(Peer(try dealer(config.endpoints.worker), .worker, registers: index >= 2)) }
        let probe = try dealer(config.endpoints.client)
        defer {
            for peer in peers { peer.socket.close() }
            probe.close()
        }
        var generator = FuzzMessageGenerator(world: config.world)
        var random = FuzzRandom(seed: config.seed)
        var probeNumber = 0

        for peer in peers where peer.registers { register(peer) }
        guard pace(probe, &probeNumber, peers, &generator) else { throw FuzzRigError("the coordinator never answered a first INFO") }

        var sent: [FuzzTarget: Int] = [:]
        var nextPeer = 0
        while FuzzTarget.allCases.contains(where: { sent[$0, default: 0] < config.perTarget }) {
            for target in FuzzTarget.allCases where sent[target, default: 0] < config.perTarget {
                let candidates = peers.filter { $0.target == target }
                for _ in 0..<config.batch where sent[target, default: 0] < config.perTarget {
                    let message = generator.message(for: target, using: &random)
                    nextPeer += 1
                    let peer = candidates[nextPeer % candidates.count]
                    if !allowed(message, from: peer, world: generator.world) {
                        statistics.withLock { $0.skipped[target, default: 0] += 1 }
                        continue
                    }
                    if send(message.frames.isEmpty ? [[]] : message.frames, on: peer, target: target) {
                        sent[target, default: 0] += 1
                    }
                }
            }
            // Registered fuzz workers keep themselves alive whatever their junk was.
            for peer in peers where peer.registers { _ = send(WorkerMessage.heartbeat.envelope.frames, on: peer, target: nil) }
            drain(peers, &generator)
            statistics.withLock { $0.rounds += 1 }
            if !pace(probe, &probeNumber, peers, &generator) {
                statistics.withLock { $0.probeTimeouts += 1 }
            }
        }
        // Leave as a well-behaved worker does, so no task is left with a silent holder.
        for peer in peers where peer.registers {
            _ = send(WorkerMessage.disconnect(Reason(reason: "fuzz over")).envelope.frames, on: peer, target: nil)
        }
        _ = pace(probe, &probeNumber, peers, &generator)
    }

    private func register(_ peer: Peer) {
        let ready = WorkerMessage.Ready(
            name: "fuzz-worker", slots: 1, threads: 1, cached: [configuration.world.dataset], software: "fuzz")
        _ = send(WorkerMessage.ready(ready).envelope.frames, on: peer, target: nil)
    }

    /// Whether `message` may go out from `peer`: junk peers never register, and registered fuzz
    /// workers never give up their tasks or answer for an attempt that may really exist.
    private func allowed(_ message: FuzzMessage, from peer: Peer, world: FuzzWorld) -> Bool {
        guard peer.target == .worker, let decoded = try? WorkerMessage.decode(message.frames) else { return true }
        switch decoded {
        case .ready:
            return false
        case .disconnect:
            return !peer.registers
        case .result(let result, _):
            return !(world.jobs.contains(result.job) && (1...configuration.maxAttempts).contains(result.attempt))
        case .failed(let failure):
            return !(peer.registers && world.jobs.contains(failure.job) && (1...configuration.maxAttempts).contains(failure.attempt)
                && failure.kind == .learner)
        default:
            return true
        }
    }

    /// Sends without waiting; false when the socket could not take the message (counted as dropped).
    private func send(_ frames: [[UInt8]], on peer: Peer, target: FuzzTarget?) -> Bool {
        do {
            let taken = try peer.socket.trySend(frames.map { Frame($0) })
            if let target {
                statistics.withLock {
                    if taken { $0.sent[target, default: 0] += 1 } else { $0.dropped[target, default: 0] += 1 }
                }
            }
            return taken
        } catch {
            statistics.withLock { $0.failure = $0.failure ?? "send failed: \(error)" }
            return false
        }
    }

    /// Reads everything waiting, answering what needs an answer.
    private func drain(_ peers: [Peer], _ generator: inout FuzzMessageGenerator) {
        for peer in peers {
            for _ in 0..<10_000 {
                guard let message = try? peer.socket.tryReceive() else { break }
                handle(message.frames.map(\.bytes), from: peer, &generator)
            }
        }
    }

    private func handle(_ frames: [[UInt8]], from peer: Peer, _ generator: inout FuzzMessageGenerator) {
        let command = frames.count > 1 ? String(decoding: frames[1], as: UTF8.self) : "?"
        statistics.withLock { $0.replies["\(peer.target) \(command)", default: 0] += 1 }
        switch peer.target {
        case .client:
            // Jobs the fuzz's own SUBMITs started are cancelled at once.
            if case .submitted(_, let job)? = try? ClientReply.decode(frames) {
                generator.world.ownJobs.append(job)
                _ = send(ClientRequest.cancel(request: "fuzz-cancel-\(job)", job: job).envelope.frames, on: peer, target: nil)
                statistics.withLock { $0.jobsCancelled += 1 }
            }
        case .worker where peer.registers:
            switch try? CoordinatorMessage.decode(frames) {
            case .task(let assignment, let rows)?:
                if !generator.world.jobs.contains(assignment.job), !generator.world.ownJobs.contains(assignment.job) {
                    generator.world.jobs.append(assignment.job)
                }
                _ = send(answer(assignment, rows).envelope.frames, on: peer, target: nil)
                statistics.withLock { $0.tasksAnswered += 1 }
            case .disconnect?:
                // Told to register again (a junk message of ours was out of turn): do so.
                register(peer)
                statistics.withLock { $0.reRegistrations += 1 }
            default:
                break
            }
        default:
            break
        }
    }

    /// The correct answer to a task, computed as a worker's `FoldRunner` does.
    private func answer(_ assignment: TaskAssignment, _ rows: [Int32]) -> WorkerMessage {
        let dataset = configuration.dataset
        guard assignment.dataset == configuration.world.dataset, assignment.holdout == nil else {
            return .failed(.init(job: assignment.job, task: assignment.task, attempt: assignment.attempt, kind: .dataset,
                                 message: "the fuzz worker holds only \(configuration.world.dataset)"))
        }
        let test = rows.map { Int($0) }
        let held = Set(test)
        let train = (0..<dataset.rowCount).filter { !held.contains($0) }
        do {
            var partitions: FoldPartitions?
            if let folds = assignment.partitionFolds, let rowFolds = assignment.rowFolds {
                partitions = FoldPartitions(folds: folds, rowFolds: rowFolds, dataset: assignment.dataset)
            }
            let predictions = try FoldTask.run(
                dataset: dataset, trainRows: train, testRows: test, repeatIndex: assignment.repeatIndex,
                fold: assignment.fold, spec: LearnerSpec(model: assignment.model, params: assignment.params, seed: assignment.seed),
                partitions: partitions)
            return .result(.init(job: assignment.job, task: assignment.task, attempt: assignment.attempt,
                                 rows: predictions.rows.count, concepts: predictions.conceptCount, seconds: 0.01),
                           scores: predictions.scores)
        } catch {
            return .failed(.init(job: assignment.job, task: assignment.task, attempt: assignment.attempt, kind: .learner,
                                 message: error.description))
        }
    }

    /// Sends an INFO and waits (up to 30 s) for its reply, serving every peer meanwhile. The
    /// reply comes after everything the coordinator read before it.
    private func pace(_ probe: Socket, _ number: inout Int, _ peers: [Peer], _ generator: inout FuzzMessageGenerator) -> Bool {
        number += 1
        let request = "probe-\(number)"
        let clock = ContinuousClock()
        let started = clock.now
        guard (try? probe.trySend(ClientRequest.info(.init(request: request)).envelope.frames.map { Frame($0) })) == true
        else { return false }
        while clock.now - started < .seconds(30) {
            let items = [PollItem.socket(probe)] + peers.map { PollItem.socket($0.socket) }
            guard let ready = try? poll(items, timeout: .milliseconds(20)) else { return false }
            if ready.dropFirst().contains(where: { !$0.isEmpty }) { drain(peers, &generator) }
            while ready[0].contains(.readable), let reply = try? probe.tryReceive() {
                if case .info(let info)? = try? ClientReply.decode(reply.frames.map(\.bytes)), info.request == request {
                    let latency = clock.now - started
                    statistics.withLock {
                        $0.probes += 1
                        $0.slowestProbe = max($0.slowestProbe, latency)
                    }
                    return true
                }
            }
        }
        return false
    }
}

struct FuzzRigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
