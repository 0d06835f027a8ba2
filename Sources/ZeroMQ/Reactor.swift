import Foundation

/// One dedicated thread that owns a process's sockets and runs the `zmq_poll` loop.
///
/// Other threads and actors never touch sockets: they hand closures to `execute` (or `run`,
/// to await a result), which queue them and wake the loop through an eventfd. On the reactor
/// thread a closure receives the `ReactorLoop`, which creates sockets, registers readable
/// handlers and schedules timers. Events flow back to async code through `AsyncStream`
/// continuations (which are Sendable) captured by those handlers.
///
/// Code on the reactor thread must not block: use `trySend`/`tryReceive` there (a ROUTER
/// with `routerMandatory` at its high-water mark would block a plain `send`), and hand
/// long work to threads of its own.
///
/// `stop()` runs the queued closures, closes every reactor socket with `LINGER` 0, terminates
/// the context and resumes the awaiting task: it suspends, it never blocks a pool thread.
/// Sendable: its stored state is the Sendable context, a name and a mutex-guarded core.
public final class Reactor: Sendable {
    /// The reactor's context. Sockets for the reactor come from `ReactorLoop.makeSocket`; a
    /// socket made here by other code must be closed before `stop()`, which waits for it.
    public let context: Context
    /// The thread's name, shown in debuggers and `top -H`.
    public let name: String
    private let core: ReactorCore
    private let idlePollLimit: Duration

    /// Creates a reactor and its context; call `start()` to launch the thread.
    /// - Parameter idlePollLimit: the longest single `zmq_poll` wait when no timer is due
    ///   sooner, so the loop never waits forever even if a wake-up were lost.
    /// - Throws: `ZeroMQError` from creating the context or the eventfd.
    public init(name: String = "zeromq.reactor", ioThreads: Int32 = 1, idlePollLimit: Duration = .seconds(1)) throws(ZeroMQError) {
        self.name = name
        self.idlePollLimit = idlePollLimit
        context = try Context(ioThreads: ioThreads)
        core = ReactorCore(wakeup: try WakeupSignal())
    }

    deinit {
        // Never block here: the thread holds what it needs and shuts itself down.
        core.requestStop()
    }

    /// Launches the reactor thread; closures queued before this run first, in order.
    /// Calling it again, or after `stop()`, does nothing.
    public func start() {
        guard core.markStarted() else { return }
        launch()
    }

    /// Queues `job` to run on the reactor thread after the jobs queued before it (FIFO across
    /// all callers), and wakes the loop. Callable from any thread; never blocks.
    /// - Throws: `ZeroMQError` with `ETERM` (`isTerminated`) once a stop has begun: the job
    ///   will not run.
    public func execute(_ job: @escaping @Sendable (ReactorLoop) -> Void) throws(ZeroMQError) {
        try core.enqueue(job)
    }

    /// Runs `body` on the reactor thread and returns its result to the awaiting task, which
    /// suspends meanwhile. The body runs even if the task is cancelled. Untyped `throws`, so
    /// reactor-side code can fail with its own errors (a protocol decoder's, say) as well as
    /// `ZeroMQError`.
    /// - Throws: what `body` throws, or `ZeroMQError` with `ETERM` when the reactor is stopping.
    public func run<T: Sendable>(_ body: @escaping @Sendable (ReactorLoop) throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            do {
                try core.enqueue { loop in
                    continuation.resume(returning: Result { try body(loop) })
                }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Stops the loop and waits, suspended, until it has run the queued jobs, closed its
    /// sockets with `LINGER` 0 and terminated the context. Safe to call repeatedly and from
    /// several tasks at once; all of them return once the reactor has stopped.
    public func stop() async {
        if core.requestStop() == .idle {
            // Never started: the shutdown still belongs on a thread of its own.
            launch()
        }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            if !core.addWaiter(waiter) { waiter.resume() }
        }
    }

    /// Asks the loop to stop without waiting (for synchronous code and `deinit`).
    public func requestStop() {
        core.requestStop()
    }

    /// The error that ended the loop abnormally (a `zmq_poll` failure other than `ETERM`),
    /// once it has stopped; nil for a clean stop.
    public var failure: ZeroMQError? {
        core.state.withLock { $0.failure }
    }

    private func launch() {
        let core = core
        let context = context
        let idlePollLimit = idlePollLimit
        let thread = Thread {
            let loop = ReactorLoop(context: context, core: core, idlePollLimit: idlePollLimit)
            let failure = loop.run()
            loop.shutdown()
            context.terminate()
            core.finish(failure: failure)
        }
        thread.name = name
        thread.start()
    }
}
