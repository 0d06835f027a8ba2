import Wire

/// The decisions of following a job, made from its statuses and the time alone (no clock, no
/// I/O), so they are tested with made-up times: when a progress line is due off a terminal, when
/// to say that no worker is connected, and when to stop waiting for one.
struct JobFollowing {
    enum Action: Equatable {
        /// Log a progress line (off a terminal): something changed, or `interval` passed in silence.
        case logProgress
        /// No worker has been connected for `waited`; say so (every `interval`).
        case noWorker(waited: Duration)
        /// No worker for longer than the worker wait: stop following.
        case giveUp(waited: Duration)
    }

    /// How long to wait with no worker connected before `giveUp`; nil: no watch on the workers
    /// (the embedded cluster starts its own).
    let workerWait: Duration?
    /// Progress lines and no-worker notices are at most this far apart.
    static let interval: Duration = .seconds(10)
    /// The first no-worker notice comes after this long without a worker (a worker starting at the
    /// same time as the job registers well within it).
    static let firstNotice: Duration = .seconds(5)

    private var lastLogged: (status: JobStatus, at: Duration)?
    private var withoutWorkersSince: Duration?
    private var lastNotice: Duration?

    init(workerWait: Duration?) {
        self.workerWait = workerWait
    }

    /// How long to wait before asking for the job's status again after `status`, the wait before
    /// it having been `previous` (nil for the first). The waits start at 50 ms and double up to
    /// 500 ms (200 ms on a terminal, for the bar), so a short job is seen to end soon after it does;
    /// as a job nears its end they shrink to a twentieth of its estimated time left, and to 50 ms
    /// once every task is done (the coordinator is computing the metrics). A fixed 500 ms made a
    /// command wait 250 ms on average after its job ended (a tenth of a 3 s evaluation); a long job
    /// is asked about no more often than before.
    static func pollInterval(after status: JobStatus, previous: Duration?, live: Bool) -> Duration {
        let usual: Duration = live ? .milliseconds(200) : .milliseconds(500)
        let shortest: Duration = .milliseconds(50)
        if status.tasksTotal > 0, status.tasksDone >= status.tasksTotal { return shortest }
        let next = min(usual, previous.map { $0 * 2 } ?? shortest)
        guard let eta = status.etaSeconds, eta.isFinite, eta >= 0 else { return next }
        return min(next, max(shortest, .milliseconds(Int64(eta * 1000 / 20))))
    }

    /// What to do about `status`, seen `now` after following began.
    mutating func observe(_ status: JobStatus, at now: Duration) -> [Action] {
        var actions: [Action] = []
        if Self.changed(lastLogged?.status, status) || now - (lastLogged?.at ?? now) >= Self.interval {
            lastLogged = (status, now)
            actions.append(.logProgress)
        }
        guard let workerWait, !status.state.isFinal, status.workers == 0 else {
            withoutWorkersSince = nil
            lastNotice = nil
            return actions
        }
        let since = withoutWorkersSince ?? now
        withoutWorkersSince = since
        let waited = now - since
        let noticeDue = lastNotice.map { now - $0 >= Self.interval } ?? (waited >= Self.firstNotice)
        if waited > workerWait {
            actions.append(.giveUp(waited: waited))
        } else if noticeDue {
            lastNotice = now
            actions.append(.noWorker(waited: waited))
        }
        return actions
    }

    /// Whether a progress line would say something new: folds done, state or retries.
    private static func changed(_ old: JobStatus?, _ new: JobStatus) -> Bool {
        guard let old else { return true }
        return old.tasksDone != new.tasksDone || old.state != new.state || old.attemptsLost != new.attemptsLost
    }
}
