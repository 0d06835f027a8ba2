import TestSupport

/// The chaos drill's dice: SplitMix64, so a seed always deals the same sequence of decisions
/// (gaps, fault kinds, victims, durations). What the processes do in between still depends on
/// timing, so two runs with one seed make the same choices, not necessarily the same history.
struct ChaosRandom: RandomNumberGenerator, Sendable {
    private var source: FuzzRandom

    init(seed: UInt64) {
        source = FuzzRandom(seed: seed)
    }

    mutating func next() -> UInt64 {
        source.next()
    }

    /// A duration drawn uniformly from `range`, to the millisecond.
    mutating func duration(in range: ClosedRange<Duration>) -> Duration {
        let low = Int64(range.lowerBound / .milliseconds(1))
        let high = Int64(range.upperBound / .milliseconds(1))
        return .milliseconds(Int64.random(in: low...high, using: &self))
    }
}
