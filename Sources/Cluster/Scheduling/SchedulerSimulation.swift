import Folds

/// The pure scheduler driven by simulated workers on a mock clock: how many decisions it makes per
/// second of real time, and whether it stays correct, with far more workers and tasks than a test
/// machine can run (docs/PERFORMANCE.md, Scheduling; `scheduler-simulation` prints it). Nothing
/// here touches a socket, a thread or a clock: the same parameters always give the same run.
public struct SchedulerSimulation: Sendable {
    public struct Parameters: Sendable {
        public var workers: Int
        public var slots: Int
        /// Jobs submitted together, `tasks / jobs` tasks each.
        public var jobs: Int
        public var tasks: Int
        /// Mean simulated task time; each task takes between half and one and a half of it.
        public var taskTime: Duration
        /// Workers that vanish (no DISCONNECT, no heartbeats) a third of the way through.
        public var vanishing: Int
        public var seed: UInt64

        public init(
            workers: Int, slots: Int = 4, jobs: Int = 4, tasks: Int, taskTime: Duration = .seconds(1), vanishing: Int = 0,
            seed: UInt64 = 1
        ) {
            self.workers = workers
            self.slots = slots
            self.jobs = jobs
            self.tasks = tasks
            self.taskTime = taskTime
            self.vanishing = vanishing
            self.seed = seed
        }
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// Events handled and tasks assigned (attempts, retries included).
        public var events = 0
        public var assignments = 0
        /// Tasks whose result was kept, per job; a task counted twice would be a bug.
        public var completed: [String: Int] = [:]
        public var duplicateResults = 0
        public var requeued = 0
        /// The most tasks any worker held at once, and its slots.
        public var mostHeld = 0
        /// Simulated time from the submission to the last job's completion.
        public var makespan: Duration = .zero
        /// The makespan if every slot were busy all the time with no scheduling cost.
        public var ideal: Duration = .zero
        public var jobsCompleted = 0
        public var jobsFailed = 0
    }

    public let parameters: Parameters
    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// Runs the simulation; `measure` wraps every `Scheduler.handle` call (the caller times them).
    public func run(measure: (() -> [SchedulerAction]) -> [SchedulerAction] = { $0() }) -> Outcome {
        let p = parameters
        var scheduler = Scheduler()
        var outcome = Outcome()
        var random = SplitMix64(seed: p.seed)
        var events = EventQueue()
        var now = Duration.zero
        var held: [WorkerID: Set<TaskAttempt>] = [:]
        var gone: Set<WorkerID> = []
        let workers = (0..<p.workers).map { WorkerID("w\($0)") }
        let perJob = max(1, p.tasks / max(1, p.jobs))
        var finishedJobs = 0

        /// A simulated worker: slots running, tasks sent ahead waiting for one (as WorkerCore does).
        var running: [WorkerID: Int] = [:]
        var waiting: [WorkerID: [TaskAttempt]] = [:]
        func start(_ attempt: TaskAttempt, on worker: WorkerID) {
            running[worker, default: 0] += 1
            let spread = Double(random.next() % 1000) / 1000 + 0.5
            events.push(at: now + p.taskTime * spread, .finish(worker, attempt))
        }

        func apply(_ event: SchedulerEvent) {
            let actions = measure { scheduler.handle(event, now: now) }
            outcome.events += 1
            for action in actions {
                switch action {
                case .assign(let worker, let attempt):
                    outcome.assignments += 1
                    held[worker, default: []].insert(attempt)
                    outcome.mostHeld = max(outcome.mostHeld, held[worker]?.count ?? 0)
                    guard !gone.contains(worker) else { continue }
                    if running[worker, default: 0] < p.slots {
                        start(attempt, on: worker)
                    } else {
                        waiting[worker, default: []].append(attempt)
                    }
                case .cancel(let worker, let attempt):
                    held[worker]?.remove(attempt)
                case .storeResult(let attempt):
                    outcome.completed[attempt.job, default: 0] += 1
                case .ignoreResult:
                    outcome.duplicateResults += 1
                case .requeued:
                    outcome.requeued += 1
                case .jobCompleted:
                    outcome.jobsCompleted += 1
                    finishedJobs += 1
                case .jobFailed:
                    outcome.jobsFailed += 1
                    finishedJobs += 1
                default:
                    break
                }
            }
        }

        for worker in workers {
            apply(.workerReady(worker, name: worker.rawValue, slots: p.slots, cached: ["d"]))
        }
        for job in 0..<p.jobs {
            let labels = (0..<perJob).map { TaskLabel(repeatIndex: 0, fold: $0) }
            apply(.jobAdded(job: "j\(job)", datasets: ["d"], tasks: labels))
        }
        events.push(at: .milliseconds(100), .tick)
        events.push(at: .seconds(1), .heartbeats)
        if p.vanishing > 0 {
            events.push(at: p.taskTime * (Double(perJob * p.jobs) / Double(3 * p.workers * p.slots)), .vanish)
        }
        // A scheduler that never finished the jobs would otherwise keep the clock ticking for ever.
        let giveUp = p.taskTime * (10 * Double(perJob * p.jobs) / Double(max(1, p.workers - p.vanishing) * p.slots)) + .seconds(600)
        while finishedJobs < p.jobs, let (time, event) = events.pop(), time < giveUp {
            now = time
            switch event {
            case .tick:
                apply(.tick)
                events.push(at: now + .milliseconds(100), .tick)
            case .heartbeats:
                for worker in workers where !gone.contains(worker) { apply(.workerSeen(worker)) }
                events.push(at: now + .seconds(1), .heartbeats)
            case .vanish:
                for worker in workers.prefix(p.vanishing) { gone.insert(worker) }
            case .finish(let worker, let attempt):
                guard !gone.contains(worker) else { continue }
                running[worker, default: 1] -= 1
                while var queue = waiting[worker], !queue.isEmpty {
                    let next = queue.removeFirst()
                    waiting[worker] = queue
                    if held[worker]?.contains(next) == true {
                        start(next, on: worker)
                        break
                    }
                }
                // A cancelled task's result is discarded, as the worker does.
                guard held[worker]?.remove(attempt) != nil else { continue }
                apply(.taskResultPending(worker, attempt))
                apply(.taskSucceeded(worker, attempt))
            }
        }
        outcome.makespan = now
        outcome.ideal = p.taskTime * (Double(perJob * p.jobs) / Double(p.workers * p.slots))
        return outcome
    }
}

private enum SimulatedEvent {
    case tick, heartbeats, vanish
    case finish(WorkerID, TaskAttempt)
}

/// A binary heap of timed events; equal times leave in the order they were pushed.
private struct EventQueue {
    private var heap: [(time: Duration, order: Int, event: SimulatedEvent)] = []
    private var pushed = 0

    mutating func push(at time: Duration, _ event: SimulatedEvent) {
        heap.append((time, pushed, event))
        pushed += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Duration, SimulatedEvent)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let (left, right) = (2 * parent + 1, 2 * parent + 2)
            var first = parent
            if left < heap.count, precedes(left, first) { first = left }
            if right < heap.count, precedes(right, first) { first = right }
            guard first != parent else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return (top.time, top.event)
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order)
    }
}
