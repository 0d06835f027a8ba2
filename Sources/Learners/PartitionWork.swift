import Dispatch
import Synchronization

/// The partitions of one repeat, computed together by the folds that need them: each thread of each
/// fold takes the next partition nobody has started, and once none is left waits for the ones
/// others are computing. A partition's statistics do not depend on who computes it, so neither do
/// the sums. A computation that fails (a cancelled fold) puts its partition back for the others.
final class PartitionWork<Statistics: Sendable>: Sendable {
    private enum Part {
        case waiting
        case computing(DispatchGroup)
        case done(Statistics)
    }

    private enum Step {
        case compute(Int, DispatchGroup)
        case wait(DispatchGroup)
        case finished
    }

    private let state: Mutex<(parts: [Part], sums: PartitionSums<Statistics>?)>

    init(count: Int) {
        state = Mutex((Array(repeating: .waiting, count: count), nil))
    }

    /// The sums of every partition, computing partitions on up to `lanes` threads of the caller's.
    /// Throws the first failure of the caller's own computations (its partitions are left for
    /// others), or `cancelled`.
    func sums(
        lanes: Int, cancellation: FoldCancellation, adding: (Statistics, Statistics) -> Statistics,
        statistics: (Int) throws(LearnerError) -> Statistics
    ) throws(LearnerError) -> PartitionSums<Statistics> {
        if let sums = state.withLock({ $0.sums }) { return sums }
        let failures = Mutex<LearnerError?>(nil)
        BlockRunner.run(blocks: lanes, lanes: lanes) { _, _ in
            do throws(LearnerError) {
                try work(cancellation: cancellation, statistics: statistics)
            } catch {
                failures.withLock { $0 = $0 ?? error }
            }
        }
        if let failure = failures.withLock({ $0 }) { throw failure }
        let parts: [Statistics]? = state.withLock { state in
            if state.sums != nil { return nil }
            return state.parts.map { part in
                guard case .done(let statistics) = part else { preconditionFailure("every partition is done") }
                return statistics
            }
        }
        guard let parts else { return state.withLock { $0.sums! } }
        let sums = PartitionSums(parts, adding: adding)
        state.withLock { $0.sums = $0.sums ?? sums }
        return sums
    }

    /// One thread's share: partitions nobody has started, then waiting for the rest.
    private func work(cancellation: FoldCancellation, statistics: (Int) throws(LearnerError) -> Statistics) throws(LearnerError) {
        while true {
            try cancellation.check()
            let step: Step = state.withLock { state in
                var busy: DispatchGroup?
                for (p, part) in state.parts.enumerated() {
                    switch part {
                    case .waiting:
                        let group = DispatchGroup()
                        group.enter()
                        state.parts[p] = .computing(group)
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
                    let value = try statistics(p)
                    state.withLock { $0.parts[p] = .done(value) }
                } catch {
                    state.withLock { $0.parts[p] = .waiting }
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
