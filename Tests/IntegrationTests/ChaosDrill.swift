import Foundation
import Testing
import TestSupport

/// Injects seeded faults into the workers of a `ClusterLab` while a job runs, and undoes each one
/// later: `kill -9` and SIGTERM (a new worker process starts on the same host and cache), SIGSTOP
/// then SIGCONT, link down then up.
///
/// The rules keep a fault-heavy job completable. A task gets 3 attempts, and the third lost fails
/// the job (the cap that stops a fold which crashes every worker it touches), so the drill only
/// spends attempts it aims at, at most one per task:
/// - it hits only a worker whose held tasks (running or waiting) are all first attempts;
/// - a frozen or cut-off worker must not be handed a fold it will never see: a victim that had
///   just finished its fold (the coordinator saw a free slot) is thawed or reconnected at once;
///   other freezes and cuts last from half a second to 8 s, across the coordinator's 5 s limit
///   (ChaosFaultKind.plan);
/// - while any task has lost two attempts anyway (a race the rules above do not close), it injects
///   nothing new until that task is done;
/// - at most `maxConcurrent` workers are in a fault at once, so the others keep the job moving.
actor ChaosDrill {
    struct Slot {
        let host: Int
        var process: LabProcess
        var incarnation = 1
        var faulted = false
        var cache: String
    }

    let cluster: ClusterLab
    private var random: ChaosRandom
    private var slots: [Int: Slot] = [:]
    private var faults: [ChaosFault] = []
    /// Fault kinds are dealt from a shuffled deck, so every kind comes up once in every four faults.
    private var deck: [ChaosFaultKind] = []

    init(cluster: ClusterLab, seed: UInt64) {
        self.cluster = cluster
        random = ChaosRandom(seed: seed)
    }

    /// The worker process on `host` serving the slot, whose dataset cache survives restarts.
    static func workerName(host: Int, incarnation: Int) -> String {
        incarnation == 1 ? "w\(host)" : "w\(host)-\(incarnation)"
    }

    /// At debug level a worker logs each TASK it receives, so the drill sees tasks waiting behind
    /// a busy slot too (a worker that reconnected while computing is offered more).
    static let workerArguments = ["--log-level", "debug"]

    /// Starts one worker on each of `hosts`, each with a cache directory of its host's own.
    func startWorkers(on hosts: [Int]) async throws {
        for host in hosts {
            let cache = cluster.lab.directory.appendingPathComponent("h\(host)/cache").path
            let process = try await cluster.startWorker(
                Self.workerName(host: host, incarnation: 1), on: host, cache: cache, extraArguments: Self.workerArguments)
            slots[host] = Slot(host: host, process: process, cache: cache)
        }
    }

    /// Every worker process started on the slots so far, victims and successors alike.
    func workerProcesses() -> [LabProcess] {
        cluster.lab.processes().filter { $0.name.hasPrefix("w") }
    }

    /// Injects faults while `job` runs, one every `gaps` (drawn), at most `maxFaults`, undoing
    /// each after its duration unless the job has ended by then; returns what it did.
    func run(
        during job: LabProcess, coordinator: LabProcess, gaps: ClosedRange<Duration>, maxConcurrent: Int, maxFaults: Int
    ) async throws -> [ChaosFault] {
        try await withThrowingTaskGroup(of: Void.self) { group in
            while job.isRunning, faults.count < maxFaults {
                try await Task.sleep(for: random.duration(in: gaps))
                // A victim is chosen when one is eligible; otherwise look again shortly.
                func victim() -> (host: Int, held: [String])? {
                    guard !hasTaskOnItsLastAttempt(coordinator: coordinator) else { return nil }
                    return pickVictim(maxConcurrent: maxConcurrent)
                }
                while job.isRunning, victim() == nil {
                    try await Task.sleep(for: .milliseconds(100))
                }
                guard job.isRunning, let (host, held) = victim() else { break }
                let kind = nextKind()
                let fault = try await inject(kind, host: host, held: held, undo: kind.plan(using: &random))
                group.addTask { try await self.undo(fault) }
            }
            // Faults still in progress are undone as planned while the job runs; once it has
            // ended, nobody needs those workers back.
            while job.isRunning, slots.values.contains(where: \.faulted) {
                try await Task.sleep(for: .milliseconds(100))
            }
            group.cancelAll()
            while true {
                do {
                    guard try await group.next() != nil else { break }
                } catch is CancellationError {
                    continue
                }
            }
        }
        return faults
    }

    /// A registered worker holding only first attempts, drawn at random; nil when none is
    /// eligible or too many workers are in a fault already. (A worker still reconnecting after its
    /// last fault is left alone: the coordinator has already written off what it holds.)
    private func pickVictim(maxConcurrent: Int) -> (host: Int, held: [String])? {
        guard slots.values.filter(\.faulted).count < maxConcurrent else { return nil }
        var eligible: [(host: Int, held: [String])] = []
        for host in slots.keys.sorted() {
            guard let slot = slots[host], !slot.faulted, slot.process.isRunning, slot.process.isRegistered else { continue }
            let held = slot.process.receivedTasks()
            guard !held.isEmpty, held.allSatisfy({ Self.attemptNumber(of: $0) == 1 }) else { continue }
            eligible.append((host, held))
        }
        guard !eligible.isEmpty else { return nil }
        return eligible[Int.random(in: 0..<eligible.count, using: &random)]
    }

    /// Whether a task has lost two attempts (the coordinator requeued it twice) and no worker has
    /// finished it since: one more loss would fail the job.
    private func hasTaskOnItsLastAttempt(coordinator: LabProcess) -> Bool {
        var requeues: [String: (count: Int, last: Date)] = [:]
        for record in coordinator.records() where record.message == "task requeued" {
            guard let attempt = record["task"], let time = record.time, let task = attempt.split(separator: "#").first else { continue }
            let previous = requeues[String(task)]?.count ?? 0
            requeues[String(task)] = (previous + 1, time)
        }
        let critical = requeues.filter { $0.value.count >= 2 }
        guard !critical.isEmpty else { return false }
        var finished: [String: Date] = [:]
        for worker in workerProcesses() {
            for record in worker.records() where record.message == "task finished" {
                guard let job = record["job"], let task = record["task"], let time = record.time else { continue }
                finished["\(job)/\(task)"] = max(finished["\(job)/\(task)"] ?? .distantPast, time)
            }
        }
        return critical.contains { task, requeued in (finished[task] ?? .distantPast) < requeued.last }
    }

    private func nextKind() -> ChaosFaultKind {
        if deck.isEmpty { deck = ChaosFaultKind.allCases.shuffled(using: &random) }
        return deck.removeLast()
    }

    private func inject(_ kind: ChaosFaultKind, host: Int, held: [String], undo: ChaosUndo) async throws -> ChaosFault {
        guard let slot = slots[host] else { throw ChaosError("no worker slot on h\(host)") }
        slots[host]?.faulted = true
        let process = slot.process
        let eventPrefix: String
        switch kind {
        case .kill, .terminate:
            try await process.send(kind == .kill ? .kill : .terminate)
            eventPrefix = "kill h\(host) \(process.name) (pid"
            let status = try await process.waitForExit(timeout: .seconds(10))
            let expected: Int32 = kind == .kill ? 128 + 9 : 0
            #expect(status == expected, "\(process) exited with \(status) after \(kind)\n\(ProcessOutcome.tail(process.log()))")
        case .freeze:
            try await process.send(.stop)
            eventPrefix = "kill h\(host) \(process.name) (pid \(process.pid)) SIGSTOP"
        case .linkDown:
            try await cluster.lab.setLink(of: host, up: false)
            eventPrefix = "link h\(host) down"
        }
        let fault = ChaosFault(
            number: faults.count + 1, kind: kind, host: host, process: process.name, undo: undo, held: held,
            injectedAt: try lastEvent(startingWith: eventPrefix))
        faults.append(fault)
        return fault
    }

    /// Waits as the fault's plan says, then undoes it; the slot is eligible again once its worker
    /// runs (a successor has registered, a frozen one is thawed, the link is back).
    private func undo(_ fault: ChaosFault) async throws {
        guard let slot = slots[fault.host] else { return }
        if fault.kind == .freeze || fault.kind == .linkDown, Self.finishedJustBefore(fault, in: slot.process) {
            // Its slot is free as far as the coordinator knows: a fold handed to it now would be
            // lost with the connection, an attempt the drill did not aim at. Undo at once.
            faults[fault.number - 1].cutShort = true
        } else {
            try await Task.sleep(for: fault.undo.wait)
        }
        let healedAt: Date
        var successor = fault.process
        switch fault.kind {
        case .kill, .terminate:
            let incarnation = slot.incarnation + 1
            successor = Self.workerName(host: fault.host, incarnation: incarnation)
            // Same host, same cache: a supervisor (systemd, Kubernetes) restarting the worker.
            let process = try await cluster.startWorker(
                successor, on: fault.host, cache: slot.cache, extraArguments: Self.workerArguments)
            healedAt = try lastEvent(startingWith: "start h\(fault.host) \(successor):")
            slots[fault.host]?.process = process
            slots[fault.host]?.incarnation = incarnation
        case .freeze:
            try await slot.process.send(.resume)
            healedAt = try lastEvent(startingWith: "kill h\(fault.host) \(fault.process) (pid \(slot.process.pid)) SIGCONT")
        case .linkDown:
            try await cluster.lab.setLink(of: fault.host, up: true)
            healedAt = try lastEvent(startingWith: "link h\(fault.host) up")
        }
        faults[fault.number - 1].healedAt = healedAt
        faults[fault.number - 1].successor = successor
        slots[fault.host]?.faulted = false
    }

    /// Whether the victim's log says it finished a fold it held before the fault landed.
    static func finishedJustBefore(_ fault: ChaosFault, in process: LabProcess) -> Bool {
        process.records().contains { record in
            guard record.message == "task finished", let job = record["job"], let task = record["task"],
                  let attempt = record["attempt"], let time = record.time else { return false }
            return fault.held.contains("\(job)/\(task)#\(attempt)") && time <= fault.injectedAt.addingTimeInterval(0.05)
        }
    }

    /// The time of the latest lab event (events.log) whose text starts with `prefix`.
    private func lastEvent(startingWith prefix: String) throws -> Date {
        for line in cluster.lab.events().reversed() {
            guard let event = LabEvent(line), event.text.hasPrefix(prefix) else { continue }
            return event.time
        }
        throw ChaosError("no lab event starting with \"\(prefix)\" in \(cluster.lab.directory.path)/events.log")
    }

    static func attemptNumber(of reference: String) -> Int? {
        reference.split(separator: "#").last.flatMap { Int($0) }
    }
}

extension LabProcess {
    /// Attempts (job/task#attempt) this worker received and has not finished, failed or dropped,
    /// per its debug log: running ones and ones waiting for a slot or a dataset.
    func receivedTasks() -> [String] {
        var held: [String] = []
        for record in records() {
            guard let job = record["job"], let task = record["task"], let attempt = record["attempt"] else { continue }
            let ref = "\(job)/\(task)#\(attempt)"
            switch record.message {
            case "task received", "task started":
                if !held.contains(ref) { held.append(ref) }
            case "task finished", "task failed", "discarded the result of a cancelled task", "cancelled a task before it started":
                held.removeAll { $0 == ref }
            default: break
            }
        }
        return held
    }

    /// Whether the worker's log says it is registered on its current connection.
    var isRegistered: Bool {
        let connection: Set<String> = [
            "connecting to the coordinator", "registered with the coordinator", "lost the coordinator; reconnecting",
            "the coordinator said DISCONNECT; registering again",
        ]
        return records().last { connection.contains($0.message) }?.message == "registered with the coordinator"
    }
}

/// One line of the lab's events.log: `2025-01-31T12:00:00.123Z kill h1 w1 (pid 42) SIGKILL`.
struct LabEvent: Sendable {
    let time: Date
    let text: String

    init?(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2,
              let time = try? Date(String(parts[0]), strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        else { return nil }
        self.time = time
        text = String(parts[1])
    }
}

/// A chaos drill that could not do what it set out to.
struct ChaosError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
