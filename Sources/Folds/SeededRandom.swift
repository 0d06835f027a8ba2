/// The random generator behind every fold plan: xoshiro256** (Blackman and Vigna, 2018) seeded
/// through `SplitMix64`, with its own bounded draw and Fisher-Yates shuffle.
///
/// Everything here is specified, so a plan is the same on every platform, Swift version and language
/// that implements these few lines (the standard library's `shuffle(using:)` and
/// `next(upperBound:)` are not guaranteed stable across versions, so crossfold never calls them):
///
/// - State: the first four outputs of `SplitMix64(seed:)`, in order, as `s0, s1, s2, s3`.
/// - `next()`: xoshiro256** as in Vigna's reference `xoshiro256starstar.c`.
/// - `next(below: n)`: Lemire's multiply-and-reject method (2019): `m = next() * n` as a 128-bit
///   product; while its low half is below `(2^64 - n) mod n`, draw again; return the high half.
///   Unbiased, and one draw in almost every case.
/// - `shuffle`: Fisher-Yates from the back: for `i` from `count - 1` down to `1`, swap element `i`
///   with element `next(below: i + 1)`.
/// - Repeat `r` of a plan uses `SeededRandom(seed: repeatSeed(seed, repeat: r))`, where the repeat
///   seed is output `r + 1` of `SplitMix64(seed:)`; repeats are independent, and repeat 0 of an
///   `R`-repeat plan equals the single repeat of a 1-repeat plan.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is the first four outputs of `SplitMix64(seed: seed)`.
    ///
    /// SplitMix64's finaliser is a bijection and its four states differ, so at most one word is
    /// zero and the all-zero state xoshiro must avoid cannot occur.
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
    }

    /// The generator of repeat `repeatIndex` (0-based) of a plan seeded with `seed`.
    public init(seed: UInt64, repeat repeatIndex: Int) {
        self.init(seed: Self.repeatSeed(seed, repeat: repeatIndex))
    }

    /// The seed of repeat `repeatIndex` (0-based): output `repeatIndex + 1` of `SplitMix64(seed:)`.
    public static func repeatSeed(_ seed: UInt64, repeat repeatIndex: Int) -> UInt64 {
        precondition(repeatIndex >= 0, "repeat index must not be negative")
        return SplitMix64.mix(seed &+ UInt64(repeatIndex + 1) &* SplitMix64.gamma)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniformly distributed value in `0..<bound` (Lemire's unbiased multiply-and-reject).
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "the bound of a random draw must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            // Only low halves below 2^64 mod bound are over-represented; redraw those.
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniformly distributed index in `0..<bound`.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "the bound of a random index must be positive")
        return Int(next(below: UInt64(bound)))
    }

    /// Shuffles `elements` in place with the Fisher-Yates walk described on the type.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, through: 1, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }

    /// `0..<count` in a random order.
    public mutating func permutation(of count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
