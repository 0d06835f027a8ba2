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

    /// Handles `input` (nil: none), then what it caused, in order; queues it instead while a handle
    /// is under way or no core is installed. `step` feeds the core, then `perform` carries out its
    /// outputs with the core no longer borrowed, so it may queue further inputs. Outside a handle
    /// nothing waits once a core is installed, so an input goes straight to the core.
    func handle<Outputs>(
        _ input: Input?, step: (inout Core, Input, Duration) -> Outputs, perform: (Outputs) -> Void
    ) {
        guard !stopped else { return }
        guard !handling, core != nil else {
            if let input { inbox.append(input) }
            return
        }
        handling = true
        defer { handling = false }
        if let input { perform(step(&core!, input, ContinuousClock.now - start)) }
        var next = 0
        while next < inbox.count, core != nil {
            let input = inbox[next]
            next += 1
            perform(step(&core!, input, ContinuousClock.now - start))
        }
        inbox.removeAll(keepingCapacity: true)
    }

    /// Drops the core and every waiting input; later inputs are dropped too. Returns the core.
    @discardableResult
    func stop() -> Core? {
        stopped = true
        inbox = []
        return core.take()
    }
}
