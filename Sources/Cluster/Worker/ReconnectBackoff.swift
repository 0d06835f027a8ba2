import Folds

/// The Paranoid Pirate's reconnect interval: `initial` doubling to `maximum`, each wait stretched
/// by a random fraction up to `jitter`, back to `initial` once the coordinator is heard again.
struct ReconnectBackoff: Sendable, Equatable {
    let initial: Duration
    let maximum: Duration
    let jitter: Double
    /// The base of the next wait, before jitter.
    private(set) var current: Duration
    /// Seeded, so a test sees the same waits every run.
    private var random: SplitMix64

    init(initial: Duration, maximum: Duration, jitter: Double, seed: UInt64) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        current = initial
        random = SplitMix64(seed: seed)
    }

    /// The next wait, and doubles the base for the one after.
    mutating func next() -> Duration {
        let base = current
        current = min(maximum, current * 2)
        return base + base * (jitter * unitInterval())
    }

    /// Back to `initial` after a success.
    mutating func reset() {
        current = initial
    }

    /// A uniform value in [0, 1).
    private mutating func unitInterval() -> Double {
        Double(random.next() >> 11) / Double(1 << 53)
    }
}
