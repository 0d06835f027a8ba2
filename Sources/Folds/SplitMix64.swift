/// Steele, Lea and Flood's SplitMix64 generator (2014), exactly as in Vigna's reference `splitmix64.c`.
///
/// crossfold uses it for two things only: to expand a 64-bit seed into the 256-bit state of
/// `SeededRandom` (as xoshiro's authors recommend), and to derive one seed per repeat. Each output is
/// `mix(state += 0x9E3779B97F4A7C15)`, so the `i`-th output (1-based) is `mix(seed &+ i &* gamma)`.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The golden-ratio increment added to the state before every output.
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    /// A generator whose first output is `mix(seed &+ gamma)`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser (a bijection on `UInt64`), Stafford's variant 13.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
