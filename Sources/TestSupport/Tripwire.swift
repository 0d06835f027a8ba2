import Foundation
import Synchronization

/// Runs an action on a thread of its own the moment a condition holds, for tests that must act at
/// a precise point of a run (kill a process once N folds are stored). A check from a test's async
/// task can be late by seconds when other tests keep the cooperative pool busy; a thread is
/// scheduled by the kernel like any other.
public final class Tripwire: Sendable {
    public enum Outcome: Sendable, Equatable {
        case pending
        /// The condition held and the action ran.
        case fired
        /// The condition never held within the deadline; the action did not run.
        case expired
    }

    private let state = Mutex(Outcome.pending)

    /// Starts checking `condition` every `interval` until it holds (then runs `action` once, on
    /// the same thread) or `deadline` passes.
    public init(
        every interval: Duration = .milliseconds(2), deadline: Duration = .seconds(300),
        when condition: @escaping @Sendable () -> Bool, then action: @escaping @Sendable () -> Void
    ) {
        Thread.detachNewThread { [self] in
            let clock = ContinuousClock()
            let end = clock.now + deadline
            while !condition() {
                guard clock.now < end else {
                    self.state.withLock { $0 = .expired }
                    return
                }
                let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
                Thread.sleep(forTimeInterval: seconds)
            }
            action()
            self.state.withLock { $0 = .fired }
        }
    }

    public var outcome: Outcome { state.withLock { $0 } }

    /// Waits until the action ran or the deadline passed.
    public func wait() async -> Outcome {
        while true {
            let outcome = self.outcome
            if outcome != .pending { return outcome }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
