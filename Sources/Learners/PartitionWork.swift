import Dispatch
import Synchronization

/// Work of one repeat split into parts (row chunks), computed together by the folds that need it:
/// each thread of each fold takes the next part nobody has started, and once none is left waits for
/// the ones others are computing; the last to see every part done combines them. A part does not
/// depend on who computes it, so neither does the result. A computation that fails (a cancelled
/// fold) puts its part back for the others.
final class PartitionWork<Part: Sendable, Result: Sendable>: Sendable {
    private enum Slot {
        case waiting
        case computing(DispatchGroup)
        case done(Part)
    }

    private enum Step {
        case compute(Int, DispatchGroup)
        case wait(DispatchGroup)
        case finished
    }

    /// The parts until they are combined, then only the result (the parts are dropped).
    private let state: Mutex<(slots: [Slot], result: Result?)>

    init(count: Int) {
        state = Mutex((Array(repeating: .waiting, count: count), nil))
    }

    /// The combined parts, computing parts on up to `lanes` threads of the caller's. Throws the
    /// first failure of the caller's own computations (its parts are left for others), or
    /// `cancelled`.
    func result(
        lanes: Int, cancellation: FoldCancellation, combine: ([Part]) -> Result,
        compute: (Int) throws(LearnerError) -> Part
    ) throws(LearnerError) -> Result {
        if let result = state.withLock({ $0.result }) { return result }
        let failures = Mutex<LearnerError?>(nil)
        BlockRunner.run(blocks: lanes, lanes: lanes) { _, _ in
            do throws(LearnerError) {
                try work(cancellation: cancellation, compute: compute)
            } catch {
                failures.withLock { $0 = $0 ?? error }
            }
        }
        if let failure = failures.withLock({ $0 }) { throw failure }
        let parts: [Part]? = state.withLock { state in
            if state.result != nil { return nil }
            return state.slots.map { slot in
                guard case .done(let part) = slot else { preconditionFailure("every part is done") }
                return part
            }
        }
        guard let parts else { return state.withLock { $0.result! } }
        let result = combine(parts)
        return state.withLock { state in
            if let earlier = state.result { return earlier }
            state.result = result
            state.slots = []
            return result
        }
    }

    /// One thread's share: parts nobody has started, then waiting for the rest.
    private func work(cancellation: FoldCancellation, compute: (Int) throws(LearnerError) -> Part) throws(LearnerError) {
        while true {
            try cancellation.check()
            let step: Step = state.withLock { state in
                guard state.result == nil else { return .finished }
                var busy: DispatchGroup?
                for (p, slot) in state.slots.enumerated() {
                    switch slot {
                    case .waiting:
                        let group = DispatchGroup()
                        group.enter()
                        state.slots[p] = .computing(group)
                        return .compute(p, group)
                    case .computing(let group):
                        busy = busy ?? group
                    case .done:
                        continue
                    }
                }
                return busy.map { .wait($0) } ?? .finished
            }
            switch step {
            case .compute(let p, let group):
                defer { group.leave() }
                do {
                    let value = try compute(p)
                    state.withLock { if $0.result == nil { $0.slots[p] = .done(value) } }
                } catch {
                    state.withLock { if $0.result == nil { $0.slots[p] = .waiting } }
                    throw error
                }
            case .wait(let group):
                group.wait()
            case .finished:
                return
            }
        }
    }
}
