/// Where the worker's pure core (`WorkerCore`) lives while `WorkerService` runs: on the reactor
/// thread, beside the sockets, so a TASK read starts its fold and a finished fold's RESULT goes out
/// with no hand-off to another task (docs/PERFORMANCE.md, "Dispatch"). Generic over the core so
/// that its queueing is tested alone (CoreSlotTests).
///
/// Inputs that arrive while a handle is under way (a send the socket refuses) and inputs that
/// arrive before the core is installed (a peer's request while the process starts) wait in order;
/// once the slot is stopped, inputs are dropped.
///
/// `@unchecked Sendable`: created before the reactor runs; every property is only read and written
/// by closures the reactor runs on its own thread (docs/ARCHITECTURE.md, Processes, threads and
/// sockets).
final class CoreSlot<Core, Input>: @unchecked Sendable {
    private var core: Core?
    /// The origin of the core's clock: when it was installed.
    private var start = ContinuousClock.now
    private var inbox: [Input] = []
    /// A handle is under way: inputs it causes wait until it returns.
    private var handling = false
    private(set) var stopped = false

    /// Makes `core` the slot's and handles the inputs that waited for it.
    func install<Outputs>(
        _ core: Core, step: (inout Core, Input, Duration) -> Outputs, perform: (Outputs) -> Void
    ) {
        guard !stopped else { return }
        self.core = core
        start = .now
        handle(nil, step: step, perform: perform)
    }

    /// Queues `input` (nil: none) and, unless a handle is under way or no core is installed,
    /// handles what waits, in order: `step` feeds the core, then `perform` carries out its outputs
    /// with the core no longer borrowed, so it may queue further inputs.
    func handle<Outputs>(
        _ input: Input?, step: (inout Core, Input, Duration) -> Outputs, perform: (Outputs) -> Void
    ) {
        guard !stopped else { return }
        if let input { inbox.append(input) }
        guard !handling, core != nil else { return }
        handling = true
        defer { handling = false }
        while !inbox.isEmpty {
            let batch = inbox
            inbox = []
            for input in batch {
                guard core != nil else { return }
                let outputs = step(&core!, input, ContinuousClock.now - start)
                perform(outputs)
            }
        }
    }

    /// Drops the core and every waiting input; later inputs are dropped too. Returns the core.
    @discardableResult
    func stop() -> Core? {
        stopped = true
        inbox = []
        return core.take()
    }
}

/// Carries a core from the thread that built it to the reactor's, so that the slot holds the only
/// reference to its storage (no copy at its first change).
final class CoreHandoff<Core>: @unchecked Sendable {
    private var core: Core?
    init(_ core: consuming Core) { self.core = consume core }
    /// The core, once; nil afterwards.
    func take() -> Core? { core.take() }
}
