import Learners
import Logging
import Wire

extension WorkerCore {
    /// Most tasks held at once (running, cancelled but still finishing, or waiting). A coordinator
    /// sends one per slot, or `WireProtocol.tasksPerSlot` for short tasks; beyond that a flood of
    /// TASKs would be held without limit, each with its datasets looked up on a thread of its own.
    var maxHeldTasks: Int { WireProtocol.tasksPerSlot * configuration.slots + 16 }

    /// Why a worker without `--allow-command-tasks` refuses a command task, and what to do. The
    /// refusal is retryable, so a worker that allows them may take the task; with none, the job
    /// fails with this message once the task's attempts are spent.
    static func commandRefusal(worker: String) -> String {
        "worker \(worker) refuses --model command tasks: they run a program named by the job's submitter, which a worker "
            + "allows only when started with `crossfold worker --allow-command-tasks` (or CROSSFOLD_ALLOW_COMMAND_TASKS=1; "
            + "docs/SECURITY.md). Restart the workers that should run your program with that flag, or evaluate locally "
            + "with `crossfold evaluate` and no --coordinator"
    }

    /// A TASK: held, its datasets made available, started when a slot is free.
    mutating func accept(_ task: HeldTask, into out: inout [WorkerOutput]) {
        let ref = task.ref
        guard running[ref] == nil, !waiting.contains(where: { $0.ref == ref }) else {
            out.append(.log(.debug, "ignored a repeated TASK", metadata(ref)))
            return
        }
        guard configuration.allowsCommandTasks || task.assignment.model != LearnerCatalog.commandModel else {
            out.append(.log(.warning, "refused a command task: this worker was not started with --allow-command-tasks",
                            metadata(ref)))
            sendReliably(.failed(WorkerMessage.TaskFailure(
                job: ref.job, task: ref.task, attempt: ref.attempt, kind: .internal,
                message: Self.commandRefusal(worker: configuration.name))), into: &out)
            return
        }
        guard running.count + waiting.count < maxHeldTasks else {
            let message = "the worker already holds \(running.count + waiting.count) tasks for its \(configuration.slots) "
                + "slot(s), more than a coordinator sends"
            out.append(.log(.warning, "refused a task", metadata(ref).merging(["reason": "\(message)"]) { $1 }))
            sendReliably(.failed(WorkerMessage.TaskFailure(
                job: ref.job, task: ref.task, attempt: ref.attempt, kind: .internal, message: message)), into: &out)
            return
        }
        waiting.append(task)
        out.append(.log(.debug, "task received", metadata(ref)))
        for hash in task.datasets {
            if available.contains(hash), !reuseLogged.contains(hash) {
                reuseLogged.insert(hash)
                out.append(.log(.info, "dataset in the cache; not fetching it", ["dataset": "\(hash)"]))
            }
            ensure(hash, into: &out)
        }
        startReady(into: &out)
    }

    /// Starts waiting tasks whose datasets are here, in arrival order, while slots are free. A task
    /// still waiting for its dataset does not hold back a later one that can run.
    mutating func startReady(into out: inout [WorkerOutput]) {
        var index = 0
        while running.count < configuration.slots, index < waiting.count {
            let task = waiting[index]
            guard task.datasets.allSatisfy(available.contains) else {
                index += 1
                continue
            }
            waiting.remove(at: index)
            running[task.ref] = RunningTask(task: task, startedAt: now)
            out.append(.startTask(task.assignment, testRows: task.testRows))
            out.append(.log(.info, "task started", metadata(task.ref)))
        }
    }

    mutating func finished(_ ref: TaskRef, outcome: TaskOutcome, into out: inout [WorkerOutput]) {
        guard let task = running.removeValue(forKey: ref) else { return }
        defer { startReady(into: &out) }
        if task.cancelled {
            out.append(.log(.info, "discarded the result of a cancelled task", metadata(ref)))
            return
        }
        switch outcome {
        case .succeeded(let scores, let rows, let concepts, let seconds):
            out.append(.log(.info, "task finished", metadata(ref).merging(["seconds": "\(rounded(seconds))"]) { $1 }))
            sendReliably(.result(WorkerMessage.TaskResult(
                job: ref.job, task: ref.task, attempt: ref.attempt, rows: rows, concepts: concepts, seconds: seconds),
                scores: scoresToSend(scores, ref)), into: &out)
        case .datasetUnavailable(let hash, let reason):
            available.remove(hash)
            reuseLogged.remove(hash)
            out.append(.log(.warning, "dataset no longer available; the task waits while it is fetched again",
                            metadata(ref).merging(["dataset": "\(hash)", "reason": "\(reason)"]) { $1 }))
            waiting.insert(task.task, at: 0)
            ensure(hash, into: &out)
        case .failed(let kind, let message, _):
            out.append(.log(.warning, "task failed", metadata(ref).merging([
                "kind": "\(kind.rawValue)", "message": "\(message)",
            ]) { $1 }))
            sendReliably(.failed(WorkerMessage.TaskFailure(
                job: ref.job, task: ref.task, attempt: ref.attempt, kind: kind, message: message)), into: &out)
        }
    }

    mutating func cancel(_ ref: TaskRef, into out: inout [WorkerOutput]) {
        if let index = waiting.firstIndex(where: { $0.ref == ref }) {
            waiting.remove(at: index)
            out.append(.log(.info, "cancelled a task before it started", metadata(ref)))
        } else if running[ref] != nil, running[ref]?.cancelled == false {
            running[ref]?.cancelled = true
            // The learner stops at its next check (between blocks, never inside a BLAS call); the
            // slot stays taken until its thread returns, and whatever it returns is discarded.
            out.append(.stopTask(ref))
            out.append(.log(.info, "task cancelled while running; it stops at its next block and its result is discarded",
                            metadata(ref)))
        }
        unconfirmed.removeAll { Self.refers($0.message, to: ref) }
        outbox.removeAll { Self.refers($0, to: ref) }
    }

    /// PROGRESS for every task held here, running or waiting (a dataset fetch counts against the
    /// lease too); cancelled ones are no longer ours.
    mutating func sendProgress(into out: inout [WorkerOutput]) {
        let refs = running.filter { !$0.value.cancelled }.keys.sorted(by: Self.order) + waiting.map(\.ref)
        out += refs.map { .sendControl(.progress($0)) }
    }

    static func order(_ lhs: TaskRef, _ rhs: TaskRef) -> Bool {
        (lhs.job, lhs.task, lhs.attempt) < (rhs.job, rhs.task, rhs.attempt)
    }

    func metadata(_ ref: TaskRef) -> Logger.Metadata {
        ["job": "\(ref.job)", "task": "\(ref.task)", "attempt": "\(ref.attempt)"]
    }
}
