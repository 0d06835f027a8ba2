/// The reactor's timers: deadlines on the continuous clock, fired in deadline order.
/// A handful of timers is the expected load, so a linear scan beats a heap here.
/// A class, not a struct: a handler fired from `fireDue` may add or cancel timers, which
/// would overlap a mutating access to a struct stored in the loop (an exclusivity violation).
final class ReactorTimers {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        let interval: Duration?
        let handler: () -> Void
    }

    private var entries: [Int: Entry] = [:]

    func add(id: Int, deadline: ContinuousClock.Instant, interval: Duration?, handler: @escaping () -> Void) {
        entries[id] = Entry(deadline: deadline, interval: interval.map { max($0, .nanoseconds(1)) }, handler: handler)
    }

    func remove(id: Int) {
        entries[id] = nil
    }

    func removeAll() {
        entries.removeAll()
    }

    /// The earliest deadline, if any timer is set.
    var nextDeadline: ContinuousClock.Instant? {
        entries.values.map(\.deadline).min()
    }

    /// Fires every timer due at `now`, each at most once per call, earliest first. A handler
    /// may add or cancel timers, itself included.
    func fireDue(at now: ContinuousClock.Instant) {
        let due = entries.filter { $0.value.deadline <= now }.sorted { $0.value.deadline < $1.value.deadline }
        for (id, _) in due {
            // An earlier handler in this pass may have cancelled it.
            guard let entry = entries[id] else { continue }
            if let interval = entry.interval {
                var next = entry.deadline + interval
                if next <= now { next = now + interval }  // fell behind: skip the missed ticks
                entries[id]?.deadline = next
            } else {
                entries[id] = nil
            }
            entry.handler()
        }
    }
}
