import Foundation
import TestSupport

/// What a chaos run did and what the cluster made of it, read from the lab's event log, the
/// coordinator's log and every worker's log: per fault, when the coordinator noticed and what it
/// requeued, when the worker was back; overall, the requeues and the work done twice.
struct ChaosReport {
    /// One "task requeued" record of the coordinator.
    struct Requeue {
        /// job/task#attempt
        let attempt: String
        /// The coordinator's id of the worker that lost it, and the worker process's name.
        let worker: String
        let workerName: String?
        let cause: String
        let time: Date
    }

    /// A fault and the cluster's reaction to it.
    struct Outcome {
        let fault: ChaosFault
        /// The coordinator's ids of the victim's connection when it was hit.
        let victim: String?
        /// How the coordinator first learnt of the fault (connection gone, DISCONNECT, missed
        /// heartbeats), and how long after.
        let detection: String?
        let detectedAfter: Double?
        /// How long after the fault was undone the worker (or its successor) registered again.
        let rejoinedAfter: Double?
        let requeued: [Requeue]
    }

    let outcomes: [Outcome]
    let requeues: [Requeue]
    /// Requeues that follow no fault on the same worker: the cluster lost work nobody broke.
    let unexplained: [Requeue]
    /// Fold computations run to the end beyond the first one of each task (a result sent and
    /// beaten, or discarded after CANCEL).
    let duplicateComputations: Int
    /// Requeued attempts that their worker finished anyway, after the requeue (it was still
    /// computing when the coordinator wrote it off), and how many of those results were the one
    /// the coordinator kept.
    let finishedAfterRequeue: [Requeue]
    let staleResultsKept: Int
    /// Requeued attempts that their worker had finished before the requeue: the RESULT went into
    /// a connection that died before delivering it. How many of those results the worker sent
    /// again on its next connection were the ones kept.
    let resultsLostInTransit: [Requeue]
    let resentResultsKept: Int
    /// TASKs a worker received while its only slot still computed an attempt the coordinator had
    /// written off (it reconnected as a new worker with a free slot), and how many of those were
    /// the retry of the very task it was computing.
    /// Attempts lost to a fault that the victim did not hold when it was hit: handed to it while
    /// it was frozen or cut off, before the coordinator missed it.
    let swallowed: [Requeue]
    let tasksQueuedBehindStaleAttempts: Int
    let ownRetriesWhileComputing: Int
    let highestAttempt: Int

    init(faults: [ChaosFault], coordinator: [LogRecord], workers: [LabProcess], result: URL) throws {
        // The coordinator's ids of each worker process's connections, and when each joined.
        var joins: [(id: String, name: String, time: Date)] = []
        for record in coordinator where record.message == "worker joined" {
            guard let id = record["worker"], let name = record["name"], let time = record.time else { continue }
            joins.append((id, name, time))
        }
        let names = Dictionary(joins.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })

        let requeues = coordinator.compactMap { record -> Requeue? in
            guard record.message == "task requeued", let attempt = record["task"], let cause = record["cause"],
                  let time = record.time, let worker = Self.worker(inCause: cause) else { return nil }
            return Requeue(attempt: attempt, worker: worker, workerName: names[worker], cause: cause, time: time)
        }

        var outcomes: [Outcome] = []
        var explained = Set<Int>()
        for fault in faults {
            let victim = joins.last { $0.name == fault.process && $0.time <= fault.injectedAt }?.id
            let later = faults.first { $0.number > fault.number && $0.host == fault.host }?.injectedAt ?? .distantFuture
            var detection: (String, Date)?
            if let victim {
                for record in coordinator {
                    guard let time = record.time, time >= fault.injectedAt, time < later else { continue }
                    let mentions = switch record.message {
                    case "task requeued": Self.worker(inCause: record["cause"] ?? "") == victim
                    case "worker presumed dead", "worker left", "worker connection lost": record["worker"] == victim
                    default: false
                    }
                    if mentions {
                        let sign = switch record.message {
                        case "task requeued": Self.kind(of: record["cause"] ?? "")
                        case "worker presumed dead": "missed heartbeats"
                        case "worker connection lost": "connection gone"
                        default: "DISCONNECT"
                        }
                        detection = (sign, time)
                        break
                    }
                }
            }
            // The requeues of the victim's tasks: on any of its connections, after the fault and
            // before the next fault on the same host.
            let mine = requeues.indices.filter { index in
                let requeue = requeues[index]
                return requeue.time >= fault.injectedAt && requeue.time < later && requeue.workerName == fault.process
            }
            explained.formUnion(mine)
            let rejoinName = fault.successor ?? fault.process
            let rejoined = fault.healedAt.flatMap { healed in
                joins.first { $0.name == rejoinName && $0.time >= healed && $0.time < later }.map { $0.time.timeIntervalSince(healed) }
            }
            outcomes.append(Outcome(
                fault: fault, victim: victim, detection: detection?.0,
                detectedAfter: detection.map { $0.1.timeIntervalSince(fault.injectedAt) },
                rejoinedAfter: rejoined, requeued: mine.map { requeues[$0] }))
        }
        self.outcomes = outcomes
        swallowed = outcomes.flatMap { outcome in outcome.requeued.filter { !outcome.fault.held.contains($0.attempt) } }
        self.requeues = requeues
        unexplained = requeues.indices.filter { !explained.contains($0) }.map { requeues[$0] }
        highestAttempt = requeues.compactMap { ChaosDrill.attemptNumber(of: $0.attempt) }.max().map { $0 + 1 } ?? 1

        // Work done twice, from the workers' own logs.
        var computations: [String: Int] = [:]
        var finished: [String: Date] = [:]
        var queuedBehindStale = 0
        var ownRetries = 0
        for worker in workers {
            var running: [String: Int] = [:]  // job/task → attempt being computed
            for record in worker.records() {
                guard let job = record["job"], let task = record["task"], let attempt = record["attempt"] else { continue }
                let key = "\(job)/\(task)"
                switch record.message {
                case "task received" where !running.isEmpty:
                    // One slot: the coordinator thought it free, so this worker reconnected while computing.
                    queuedBehindStale += 1
                    if let computing = running[key], computing < Int(attempt) ?? 0 { ownRetries += 1 }
                case "task started":
                    running[key] = Int(attempt) ?? 0
                case "task finished", "task failed", "discarded the result of a cancelled task":
                    running[key] = nil
                default: break
                }
                switch record.message {
                case "task finished":
                    computations["\(job)/\(task)", default: 0] += 1
                    finished["\(worker.name) \(job)/\(task)#\(attempt)"] = record.time
                case "discarded the result of a cancelled task":
                    computations["\(job)/\(task)", default: 0] += 1
                default: break
                }
            }
        }
        duplicateComputations = computations.values.reduce(0) { $0 + max(0, $1 - 1) }
        tasksQueuedBehindStaleAttempts = queuedBehindStale
        ownRetriesWhileComputing = ownRetries
        func finishTime(_ requeue: Requeue) -> Date? {
            requeue.workerName.flatMap { finished["\($0) \(requeue.attempt)"] }
        }
        let finishedAfterRequeue = requeues.filter { requeue in finishTime(requeue).map { $0 >= requeue.time } == true }
        self.finishedAfterRequeue = finishedAfterRequeue
        let resultsLostInTransit = requeues.filter { requeue in finishTime(requeue).map { $0 < requeue.time } == true }
        self.resultsLostInTransit = resultsLostInTransit
        let kept = try Self.foldWorkers(result)
        func keptFromItsWorker(_ requeue: Requeue) -> Bool {
            guard let fold = requeue.attempt.split(separator: "/").last?.split(separator: "#").first.flatMap({ Int($0) }),
                  let keeper = kept[fold] else { return false }
            return names[keeper] == requeue.workerName
        }
        staleResultsKept = finishedAfterRequeue.filter(keptFromItsWorker).count
        resentResultsKept = resultsLostInTransit.filter(keptFromItsWorker).count
    }

    /// "worker ID lost (...)", "lease expired on worker ID", "worker ID failed: ..." → ID.
    static func worker(inCause cause: String) -> String? {
        for prefix in ["lease expired on worker ", "worker "] where cause.hasPrefix(prefix) {
            return cause.dropFirst(prefix.count).split(separator: " ").first.map(String.init)
        }
        return nil
    }

    /// The coordinator's id of the worker whose result was kept, by fold (one repeat).
    /// Empty when there is no result (the job failed).
    static func foldWorkers(_ result: URL) throws -> [Int: String] {
        guard let data = try? Data(contentsOf: result) else { return [:] }
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let extended = object?["extended_metrics"] as? [String: Any]
        let user = extended?["user_metrics"] as? [String: Any]
        let crossfold = user?["crossfold"] as? [String: Any]
        var workers: [Int: String] = [:]
        for fold in crossfold?["folds"] as? [[String: Any]] ?? [] {
            guard let index = fold["fold"] as? Int, let worker = fold["worker"] as? String else { continue }
            workers[index] = worker
        }
        return workers
    }

    /// The cause of a requeue in a few words: how the coordinator found out.
    static func kind(of cause: String) -> String {
        if cause.contains("connection gone") { return "connection gone" }
        if cause.contains("DISCONNECT") { return "DISCONNECT" }
        if cause.contains("nothing heard") { return "missed heartbeats" }
        if cause.contains("registered again") { return "registered again" }
        if cause.hasPrefix("lease expired") { return "lease expired" }
        return "failed"
    }

    /// One paragraph for the test log.
    func summary(seed: UInt64, jobSeconds: Double) -> String {
        let kinds = ChaosFaultKind.allCases.map { kind in "\(kind) \(outcomes.filter { $0.fault.kind == kind }.count)" }
        let causes = Dictionary(grouping: requeues, by: { Self.kind(of: $0.cause) })
            .map { "\($0.key) \($0.value.count)" }.sorted()
        let hitHolding = outcomes.filter { !$0.requeued.isEmpty }.count
        let swallowedBy = outcomes.flatMap { outcome in
            outcome.requeued.filter { !outcome.fault.held.contains($0.attempt) }
                .map { "\(Self.short($0.attempt)) by #\(outcome.fault.number) \(outcome.fault.kind)" }
        }
        return """
            chaos seed \(seed): \(outcomes.count) faults injected and survived (\(kinds.joined(separator: ", "))); \
            \(hitHolding) cost the cluster an attempt; the coordinator requeued \(requeues.count) attempts \
            (\(causes.joined(separator: ", "))), \(swallowed.count) of them handed to a worker already in a fault \
            [\(swallowedBy.joined(separator: ", "))], \
            highest attempt \(highestAttempt) of 3; \
            \(finishedAfterRequeue.count) requeued attempts were finished anyway by their worker \
            (\(staleResultsKept) of those results kept), \(resultsLostInTransit.count) had been finished during an \
            outage, their RESULT stuck in a dying connection (\(resentResultsKept) kept when sent again); \
            \(duplicateComputations) fold computations ran twice; \
            \(tasksQueuedBehindStaleAttempts) tasks were handed to a reconnected worker still computing a written-off \
            attempt (\(ownRetriesWhileComputing) of them the retry of that very fold); \
            job \(Self.seconds(jobSeconds))
            """
    }

    /// Per kind of fault: how long the coordinator took to notice (by which sign), how many it
    /// never noticed (and how long those lasted), and how soon the worker was registered again.
    func timings() -> String {
        ChaosFaultKind.allCases.compactMap { kind -> String? in
            let mine = outcomes.filter { $0.fault.kind == kind }
            guard !mine.isEmpty else { return nil }
            let noticed = mine.filter { $0.detectedAfter != nil }
            let unnoticed = mine.filter { $0.detectedAfter == nil }
            let signs = Set(noticed.compactMap(\.detection))
            var line = "  \(kind): \(mine.count) injected; noticed \(noticed.count)"
            if !noticed.isEmpty {
                line += " after \(Self.range(noticed.compactMap(\.detectedAfter))) (\(signs.sorted().joined(separator: "; ")))"
            }
            if !unnoticed.isEmpty {
                line += "; unnoticed \(unnoticed.count), lasting \(Self.range(unnoticed.compactMap(\.fault.duration)))"
            }
            let rejoined = mine.compactMap(\.rejoinedAfter)
            if !rejoined.isEmpty {
                line += "; registered again \(Self.range(rejoined)) after the undo (\(rejoined.count) times)"
            }
            return line
        }.joined(separator: "\n")
    }

    /// "0.12-0.98 s (median 0.5 s)"
    static func range(_ values: [Double]) -> String {
        let sorted = values.sorted()
        guard let low = sorted.first, let high = sorted.last else { return "-" }
        return "\(seconds(low).dropLast(2))-\(seconds(high)) (median \(seconds(sorted[sorted.count / 2])))"
    }

    /// One line per fault: what, where, for how long, what the coordinator saw and when.
    func timeline() -> String {
        outcomes.map { outcome in
            let fault = outcome.fault
            let detected = outcome.detectedAfter.map { "after \(Self.seconds($0))" } ?? "-"
            let back = if let rejoined = outcome.rejoinedAfter {
                "registered again \(Self.seconds(rejoined)) after the undo"
            } else if fault.healedAt == nil {
                "not undone before the job ended"
            } else if outcome.detection == nil, fault.kind == .freeze || fault.kind == .linkDown {
                "kept its connection"
            } else {
                "not registered again before its next fault or the job's end"
            }
            return "  #\(fault.number) \(fault.kind) of \(fault.process) on h\(fault.host) for "
                + "\(fault.duration.map(Self.seconds) ?? "(\(fault.undo), not undone)")\(fault.cutShort ? " (cut short)" : "") "
                + "holding [\(fault.held.map(Self.short).joined(separator: ","))]: "
                + "noticed \(detected) (\(outcome.detection ?? "nothing")); requeued [\(outcome.requeued.map { Self.short($0.attempt) }.joined(separator: ","))]; \(back)"
        }.joined(separator: "\n")
    }

    /// "job/3#2" → "3#2": one job per run, so the job id says nothing.
    static func short(_ attempt: String) -> String {
        attempt.split(separator: "/").last.map(String.init) ?? attempt
    }

    static func seconds(_ value: Double) -> String {
        "\((value * 100).rounded() / 100) s"
    }
}
