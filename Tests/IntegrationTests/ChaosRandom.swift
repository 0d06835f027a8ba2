/// The chaos drill's dice: SplitMix64, so a seed always deals the same sequence of decisions
/// (gaps, fault kinds, victims, durations). What the processes do in between still depends on
/// timing, so two runs with one seed make the same choices, not necessarily the same history.
struct ChaosRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A duration drawn uniformly from `range`, to the millisecond.
    mutating func duration(in range: ClosedRange<Duration>) -> Duration {
        let low = Int64(range.lowerBound / .milliseconds(1))
        let high = Int64(range.upperBound / .milliseconds(1))
        return .milliseconds(Int64.random(in: low...high, using: &self))
    }
}
