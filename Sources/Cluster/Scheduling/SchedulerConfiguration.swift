import Wire

/// The timing and retry rules of the scheduler (docs/PROTOCOL.md, Worker socket: Rules).
public struct SchedulerConfiguration: Sendable, Equatable {
    /// Heartbeat period in both directions.
    public var heartbeatInterval: Duration
    /// Missed heartbeats after which a worker is dead and its tasks go back to the queue.
    public var liveness: Int
    /// Missed heartbeats after which a worker gets no new tasks until it is heard again.
    public var missingAfter: Int
    /// How long a task may go without PROGRESS or RESULT before it is handed to another worker.
    public var lease: Duration
    /// Attempts per task; after the last one fails the job fails, naming the fold and the cause.
    public var maxAttempts: Int
    /// A job whose tasks take less than this on average (assignment to result) has up to
    /// `tasksAheadPerSlot` more tasks per slot sent ahead to each worker, which holds them until a
    /// slot frees: the worker then never waits a round trip for its next task. Longer tasks are
    /// sent only to free slots, so the last ones of a job are never stuck behind another on a busy
    /// worker while one sits idle.
    public var queueAheadBelow: Duration
    /// Tasks sent ahead per slot for short tasks: all a worker holds per slot but the running one
    /// (`WireProtocol.tasksPerSlot`). One left a worker with two slots idle while its results went
    /// round (1,690 trivial tasks/s through a coordinator on loopback); three give 2,115
    /// (docs/PERFORMANCE.md). The cost is at most this many short tasks, under 50 ms each, waiting
    /// behind a slot.
    public var tasksAheadPerSlot = WireProtocol.tasksPerSlot - 1
    /// The fraction of each job's tasks computed a second time on another worker, for jobs that do
    /// not say (`coordinator --verify`); 0 verifies nothing. Set after `init`.
    public var verify: Double = 0

    public init(
        heartbeatInterval: Duration = WireProtocol.heartbeatInterval,
        liveness: Int = WireProtocol.heartbeatLiveness,
        missingAfter: Int = 3,
        lease: Duration = .seconds(30),
        maxAttempts: Int = 3,
        queueAheadBelow: Duration = .milliseconds(50)
    ) {
        self.heartbeatInterval = heartbeatInterval
        self.liveness = liveness
        self.missingAfter = missingAfter
        self.lease = lease
        self.maxAttempts = maxAttempts
        self.queueAheadBelow = queueAheadBelow
    }

    /// Silence after which a worker is presumed dead.
    public var deadAfter: Duration { heartbeatInterval * liveness }
}
