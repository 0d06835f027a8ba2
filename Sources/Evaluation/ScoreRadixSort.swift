/// Sorts ranked scores by decreasing score with a least-significant-digit radix sort on the
/// scores' bit patterns: for the non-negative floats a probability can be, the IEEE 754 bit
/// pattern orders as the value does, so three passes over 11-bit digits sort N scores in O(N),
/// where a comparison sort takes O(N log N) (about ten times longer for a million pooled scores).
/// Equal scores end up adjacent, which is all `ConceptMetrics` needs of the order; among equal
/// scores the order is stable (input order), so the result is the same on every run.
enum ScoreRadixSort {
    /// Sorts `ranking` in place, highest score first. Every score must be in [0, 1] (`Evaluator`
    /// checks); `-0.0` sorts as `0.0`.
    static func sortDescending(_ ranking: inout [RankedScore]) {
        let count = ranking.count
        guard count > 1 else { return }
        var scratch = [RankedScore](repeating: RankedScore(score: 0, isPositive: false), count: count)
        // Keys: the bits of the score (0 for both zeros), inverted so that ascending keys are
        // descending scores. Non-negative floats use 31 bits: three 11-bit digits cover them.
        @inline(__always) func key(_ entry: RankedScore) -> UInt32 {
            let bits = entry.score == 0 ? 0 : entry.score.bitPattern
            return ~bits & 0x7FFF_FFFF
        }
        var histogram = [Int](repeating: 0, count: 2048)
        ranking.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                var from = source
                var to = target
                for shift in stride(from: 0, to: 33, by: 11) {
                    histogram.withUnsafeMutableBufferPointer { counts in
                        counts.update(repeating: 0)
                        for entry in from { counts[Int((key(entry) >> UInt32(shift)) & 0x7FF)] += 1 }
                        var total = 0
                        for digit in 0..<2048 {
                            let here = counts[digit]
                            counts[digit] = total
                            total += here
                        }
                        for entry in from {
                            let digit = Int((key(entry) >> UInt32(shift)) & 0x7FF)
                            to[counts[digit]] = entry
                            counts[digit] += 1
                        }
                    }
                    swap(&from, &to)
                }
                // Three passes: the sorted entries are in `scratch`; copy them back.
                if let sorted = from.baseAddress, sorted != source.baseAddress {
                    source.baseAddress?.update(from: sorted, count: count)
                }
            }
        }
    }
}
