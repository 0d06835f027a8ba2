import Folds

/// The random source of the fuzz tests: SplitMix64 with helpers whose results depend on the seed
/// alone (not on the standard library's sampling algorithms), so a failing case is reproduced by
/// rerunning with the seed the test printed.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var source: SplitMix64

    public init(seed: UInt64) {
        source = SplitMix64(seed: seed)
    }

    public mutating func next() -> UInt64 {
        source.next()
    }

    /// A number in `0..<count` (`count` > 0).
    public mutating func below(_ count: Int) -> Int {
        precondition(count > 0, "below needs a positive count")
        return Int(next() % UInt64(count))
    }

    /// A number in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        guard span != 0 else { return Int(bitPattern: UInt(next())) }
        return range.lowerBound &+ Int(bitPattern: UInt(next() % span))
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        below(denominator) < numerator
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let word = next()
                let take = min(8, buffer.count - offset)
                for index in 0..<take { buffer[offset + index] = UInt8(truncatingIfNeeded: word >> (8 * index)) }
                offset += take
            }
        }
        return bytes
    }

    /// A size that is usually small and sometimes large: `0...limit`, skewed towards 0.
    public mutating func skewedSize(upTo limit: Int) -> Int {
        let bits = below(Int.bitWidth - limit.leadingZeroBitCount + 1)
        return min(limit, below(1 << bits))
    }

    /// Seeds the generator of one case from a run's seed and the case's number, so any case can be
    /// replayed on its own.
    public static func caseSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var random = FuzzRandom(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD6E8_FEB8_6659_FD93))
        return random.next()
    }
}
