/// The Paranoid Pirate's reconnect interval: `initial` doubling to `maximum`, each wait stretched
/// by a random fraction up to `jitter`, back to `initial` once the coordinator is heard again.
struct ReconnectBackoff: Sendable, Equatable {
    let initial: Duration
    let maximum: Duration
    let jitter: Double
    /// The base of the next wait, before jitter.
    private(set) var current: Duration
    /// SplitMix64 state: seeded, so a test sees the same waits every run.
    private var state: UInt64

    init(initial: Duration, maximum: Duration, jitter: Double, seed: UInt64) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        current = initial
        state = seed
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
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
