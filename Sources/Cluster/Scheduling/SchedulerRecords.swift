/// A registered worker.
struct WorkerRecord: Sendable {
    let id: WorkerID
    let name: String
    let slots: Int
    var cached: Set<String>
    var lastSeen: Duration
    var lastBeatSent: Duration
    /// Attempts this worker holds.
    var running: Set<TaskAttempt> = []
    /// When its latest result arrived: only a worker finishing tasks now gets one sent ahead (a
    /// worker stuck on a task, fetching a dataset or silent would hold it hostage).
    var lastResult: Duration?

    var freeSlots: Int { max(0, slots - running.count) }
    /// Room for tasks sent ahead (`perSlot` more per slot) of a job with short tasks.
    func roomAhead(perSlot: Int) -> Int { max(0, (1 + perSlot) * slots - running.count) }
}

/// One outstanding attempt of a task.
struct Lease: Sendable, Equatable {
    let attempt: Int
    let worker: WorkerID
    var deadline: Duration
    /// When it was handed out.
    var assigned: Duration
    /// Its result arrived and is being written: the lease cannot lapse meanwhile.
    var persisting = false
}

/// A task of a job.
struct TaskRecord: Sendable {
    let label: TaskLabel
    var done: Bool
    /// Attempts started so far; the next attempt number is `attempts + 1`.
    var attempts: Int = 0
    /// Attempts that ended without a result, this run and (for a resumed job) before a restart.
    var lost: Int = 0
    var leases: [Lease] = []
    /// Workers on which an attempt of this task was lost, avoided for retries when possible.
    var avoid: Set<WorkerID> = []
    var lastLoss: AttemptLoss?
    /// Who produced the stored result, when this process received it.
    var producer: WorkerID?
    /// The stored result is to be replaced: it came from a quarantined worker.
    var replaces = false
}

/// A job's tasks and queue. Everything the scheduler does per event is O(1) or O(log) in the
/// number of tasks (counts kept as they change, leased tasks indexed), so a job of a million
/// tasks is dispatched as fast as one of ten (docs/PERFORMANCE.md, Scheduling).
struct JobRecord: Sendable {
    let id: String
    let datasets: Set<String>
    private(set) var tasks: [TaskRecord]
    /// Task indices waiting for a worker; requeued ones go to the front.
    private(set) var queue: TaskQueue
    var finished = false
    var attemptsLost = 0
    /// Leases held, over all tasks.
    private(set) var running = 0
    private(set) var doneCount = 0
    /// Tasks holding at least one lease.
    private(set) var leased: Set<Int> = []
    /// The time from assignment to result, averaged over the recent tasks (weights halve every
    /// eight tasks or so); nil before the first result.
    private(set) var taskTime: Duration?

    init(id: String, datasets: Set<String>, tasks: [TaskRecord]) {
        self.id = id
        self.datasets = datasets
        self.tasks = tasks
        queue = TaskQueue(tasks.indices.filter { !tasks[$0].done })
        doneCount = tasks.count - queue.count
    }

    func task(_ index: Int) -> TaskRecord? { tasks[safe: index] }

    mutating func startAttempt(of task: Int, lease: Lease) {
        tasks[task].attempts += 1
        tasks[task].leases.append(lease)
        running += 1
        leased.insert(task)
    }

    /// Removes the leases of `task` that `matching` selects; returns them.
    @discardableResult
    mutating func removeLeases(of task: Int, where matching: (Lease) -> Bool) -> [Lease] {
        let removed = tasks[task].leases.filter(matching)
        guard !removed.isEmpty else { return [] }
        tasks[task].leases.removeAll(where: matching)
        running -= removed.count
        if tasks[task].leases.isEmpty { leased.remove(task) }
        return removed
    }

    mutating func updateLease(of task: Int, attempt: Int, _ change: (inout Lease) -> Void) {
        guard let index = tasks[safe: task]?.leases.firstIndex(where: { $0.attempt == attempt }) else { return }
        change(&tasks[task].leases[index])
    }

    mutating func markDone(_ task: Int) {
        guard !tasks[task].done else { return }
        tasks[task].done = true
        doneCount += 1
        queue.remove(task)
    }

    /// Puts a done task back in the queue, at the front, to be computed again (its result came
    /// from a quarantined worker).
    mutating func markUndone(_ task: Int) {
        guard tasks[task].done else { return }
        tasks[task].done = false
        tasks[task].replaces = true
        tasks[task].producer = nil
        doneCount -= 1
        if !queue.contains(task) { queue.pushFront(task) }
    }

    mutating func setProducer(of task: Int, _ worker: WorkerID?) {
        tasks[task].producer = worker
        tasks[task].replaces = false
    }

    mutating func recordTaskTime(_ time: Duration) {
        taskTime = taskTime.map { $0 * 0.9 + time * 0.1 } ?? time
    }

    mutating func recordLoss(of task: Int, on worker: WorkerID, _ loss: AttemptLoss) {
        tasks[task].avoid.insert(worker)
        tasks[task].lastLoss = loss
        tasks[task].lost += 1
        attemptsLost += 1
    }

    mutating func popQueue() -> Int? { queue.popFirst() }
    mutating func requeueAtFront(_ task: Int) { queue.pushFront(task) }
    mutating func clearQueue() { queue = TaskQueue([]) }
}

/// Task indices waiting for a worker, in order: requeued ones first (most recent first), then the
/// rest in plan order. Popping, pushing to the front, membership and removal are O(1) (removal is
/// lazy: a removed index is skipped when it comes up).
struct TaskQueue: Sendable {
    private var front: [Int] = []
    private var main: [Int]
    private var head = 0
    private var members: Set<Int>

    init(_ tasks: [Int]) {
        main = tasks
        members = Set(tasks)
    }

    var count: Int { members.count }
    var isEmpty: Bool { members.isEmpty }
    func contains(_ task: Int) -> Bool { members.contains(task) }

    var first: Int? {
        if let task = front.last(where: members.contains) { return task }
        var index = head
        while index < main.count {
            if members.contains(main[index]) { return main[index] }
            index += 1
        }
        return nil
    }

    mutating func popFirst() -> Int? {
        while let task = front.popLast() {
            if members.remove(task) != nil { return task }
        }
        while head < main.count {
            let task = main[head]
            head += 1
            if members.remove(task) != nil { return task }
        }
        return nil
    }

    mutating func pushFront(_ task: Int) {
        guard members.insert(task).inserted else { return }
        front.append(task)
    }

    mutating func remove(_ task: Int) {
        members.remove(task)
    }
}

/// A snapshot of one job's progress for STATUS replies.
public struct SchedulerJobProgress: Sendable, Equatable {
    public let total: Int
    public let done: Int
    public let running: Int
    public let attemptsLost: Int
}

extension Scheduler {
    /// Progress of a job the scheduler still tracks.
    public func progress(of job: String) -> SchedulerJobProgress? {
        guard let record = jobs[job] else { return nil }
        return SchedulerJobProgress(
            total: record.tasks.count, done: record.doneCount, running: record.running,
            attemptsLost: record.attemptsLost)
    }

    /// Registered workers and how many of them hold at least one task.
    public var workerCounts: (workers: Int, busy: Int, slots: Int) {
        (workers.count, workers.values.filter { !$0.running.isEmpty }.count, workers.values.reduce(0) { $0 + $1.slots })
    }

    /// Whether `id` is a registered worker.
    public func knows(_ id: WorkerID) -> Bool { workers[id] != nil }

    /// The worker currently holding `attempt`, if any.
    public func holder(of attempt: TaskAttempt) -> WorkerID? {
        jobs[attempt.job]?.task(attempt.task)?.leases.first { $0.attempt == attempt.attempt }?.worker
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
