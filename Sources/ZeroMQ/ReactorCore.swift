import Synchronization

/// The state a `Reactor` shares between its thread and the threads that talk to it: the job
/// queue, the phase, and the tasks waiting for the stop. Everything else is reactor-confined.
final class ReactorCore: Sendable {
    enum Phase { case idle, running, stopping, stopped }

    struct State: ~Copyable {
        var phase = Phase.idle
        var jobs: [@Sendable (ReactorLoop) -> Void] = []
        var waiters: [CheckedContinuation<Void, Never>] = []
        var failure: ZeroMQError?
    }

    let state = Mutex(State())
    let wakeup: WakeupSignal

    init(wakeup: WakeupSignal) {
        self.wakeup = wakeup
    }

    /// Queues `job` and wakes the loop; `ETERM` once a stop has begun.
    func enqueue(_ job: @escaping @Sendable (ReactorLoop) -> Void) throws(ZeroMQError) {
        let accepted = state.withLock { state in
            guard state.phase == .idle || state.phase == .running else { return false }
            state.jobs.append(job)
            return true
        }
        guard accepted else {
            throw ZeroMQError(code: ZeroMQError.terminated, function: "Reactor.execute", detail: "the reactor is stopping")
        }
        try wakeup.signal()
    }

    /// The queued jobs, in order, and whether a stop was requested; the queue is left empty.
    func takeJobs() -> (jobs: [@Sendable (ReactorLoop) -> Void], stopping: Bool) {
        state.withLock { state in
            defer { state.jobs.removeAll(keepingCapacity: true) }
            return (state.jobs, state.phase == .stopping)
        }
    }

    /// Moves to `running`; false when the reactor was already started or stopped.
    func markStarted() -> Bool {
        state.withLock { state in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
    }

    /// Asks the loop to finish; returns the phase it was in before.
    @discardableResult
    func requestStop() -> Phase {
        let previous = state.withLock { state in
            defer { if state.phase == .idle || state.phase == .running { state.phase = .stopping } }
            return state.phase
        }
        // A failed wake-up only delays the stop until the loop's next idle timeout.
        try? wakeup.signal()
        return previous
    }

    /// Registers a task waiting for the end of the loop; false when it has already ended.
    func addWaiter(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        state.withLock { state in
            guard state.phase != .stopped else { return false }
            state.waiters.append(waiter)
            return true
        }
    }

    /// Records the end of the loop and resumes everyone waiting for it.
    func finish(failure: ZeroMQError?) {
        let waiters = state.withLock { state in
            state.phase = .stopped
            state.failure = failure
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
