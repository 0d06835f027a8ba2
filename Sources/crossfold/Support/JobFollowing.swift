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
