@testable import Cluster
import Testing

/// `CoreSlot`, the worker core's home on its reactor thread: the order inputs are handled in,
/// inputs a handle causes, inputs before the core is installed, and the stop.
@Suite struct CoreSlotTests {
    /// A core that records what it was fed; an input "again:X" asks its shell for another input X.
    struct Recorder {
        var seen: [String] = []
        mutating func handle(_ input: String) -> [String] {
            seen.append(input)
            return input.hasPrefix("again:") ? [String(input.dropFirst("again:".count))] : []
        }
    }

    /// Feeds `input` the way `WorkerService` does: outputs that ask for another input queue it
    /// through the same slot while the handle that caused them is under way.
    func feed(_ slot: CoreSlot<Recorder, String>, _ input: String?) {
        slot.handle(input, step: { core, input, _ in core.handle(input) }, perform: { outputs in
            for next in outputs { feed(slot, next) }
        })
    }

    func seen(_ slot: CoreSlot<Recorder, String>) -> [String] {
        slot.stop()?.seen ?? []
    }

    @Test func inputsBeforeTheCoreIsInstalledWaitAndComeFirstInOrder() {
        let slot = CoreSlot<Recorder, String>()
        feed(slot, "a")
        feed(slot, "b")
        slot.install(Recorder(), step: { core, input, _ in core.handle(input) }, perform: { _ in })
        feed(slot, "c")
        #expect(seen(slot) == ["a", "b", "c"])
    }

    @Test func anInputCausedByAHandleWaitsUntilItReturns() {
        let slot = CoreSlot<Recorder, String>()
        slot.install(Recorder(), step: { core, input, _ in core.handle(input) }, perform: { _ in })
        // "again:x" causes "x" while it is handled; "x" must come after it, not inside it, and
        // before anything fed later.
        feed(slot, "again:again:x")
        feed(slot, "y")
        #expect(seen(slot) == ["again:again:x", "again:x", "x", "y"])
    }

    @Test func nothingIsHandledAfterTheStop() {
        let slot = CoreSlot<Recorder, String>()
        slot.install(Recorder(), step: { core, input, _ in core.handle(input) }, perform: { _ in })
        feed(slot, "a")
        let core = slot.stop()
        feed(slot, "b")
        slot.install(Recorder(), step: { core, input, _ in core.handle(input) }, perform: { _ in })
        feed(slot, "c")
        #expect(core?.seen == ["a"])
        #expect(slot.stopped)
        #expect(slot.stop() == nil)
    }

    @Test func theClockStartsAtTheInstall() {
        let slot = CoreSlot<Recorder, String>()
        var times: [Duration] = []
        slot.install(Recorder(), step: { _, _, now in times.append(now); return [] }, perform: { _ in })
        slot.handle("a", step: { _, _, now in times.append(now); return [] }, perform: { _ in })
        #expect(times.count == 1)
        #expect(times[0] >= .zero && times[0] < .seconds(5))
    }
}
