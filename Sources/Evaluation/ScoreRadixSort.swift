/// Sorts ranked scores by decreasing score with a least-significant-digit radix sort on the
/// scores' bit patterns: for the non-negative floats a probability can be, the IEEE 754 bit
/// pattern orders as the value does, so four passes over 8-bit digits sort N scores in O(N),
/// where a comparison sort takes O(N log N) (about ten times longer for a million pooled scores).
/// Equal scores end up adjacent, which is all `ConceptMetrics` needs of the order; among equal
/// scores the order is stable (input order), so the result is the same on every run.
///
/// The four digits' histograms are counted in one read of the input, and a digit that every score
/// shares moves nothing, so its pass is skipped. 256 buckets keep the scatter's write positions in
/// the L1 cache (2,048 11-bit buckets did not). The caller keeps the scratch buffer: a fresh one
/// for every sort (20 sorts of a million scores for 10 concepts and 5 folds) paid for its memory
/// again each time.
enum ScoreRadixSort {
    /// Sorts `ranking` in place, highest score first, using `scratch` (grown as needed, contents
    /// overwritten). Every score must be in [0, 1] (`Evaluator` checks); `-0.0` sorts as `0.0`.
    static func sortDescending(_ ranking: inout [RankedScore], scratch: inout [RankedScore]) {
        let count = ranking.count
        guard count > 1 else { return }
        if scratch.count < count {
            scratch.append(contentsOf: repeatElement(RankedScore(score: 0, isPositive: false), count: count - scratch.count))
        }
        // Keys: the bits of the score (0 for both zeros), inverted so that ascending keys are
        // descending scores. Non-negative floats use 31 bits: four 8-bit digits cover them.
        @inline(__always) func key(_ entry: RankedScore) -> UInt32 {
            let bits = entry.score == 0 ? 0 : entry.score.bitPattern
            return ~bits & 0x7FFF_FFFF
        }
        var histograms = [Int](repeating: 0, count: 4 * 256)
        ranking.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { scratch in
                histograms.withUnsafeMutableBufferPointer { counts in
                    for entry in source {
                        let k = key(entry)
                        counts[Int(k & 0xFF)] += 1
                        counts[256 + Int((k >> 8) & 0xFF)] += 1
                        counts[512 + Int((k >> 16) & 0xFF)] += 1
                        counts[768 + Int(k >> 24)] += 1
                    }
                    var from = source
                    var to = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
                    for digitIndex in 0..<4 {
                        let offsets = UnsafeMutableBufferPointer(rebasing: counts[(digitIndex * 256)..<((digitIndex + 1) * 256)])
                        // Every key has this digit: the pass would copy the entries in order.
                        if offsets.contains(count) { continue }
                        var total = 0
                        for digit in 0..<256 {
                            let here = offsets[digit]
                            offsets[digit] = total
                            total += here
                        }
                        let shift = UInt32(digitIndex * 8)
                        for entry in from {
                            let digit = Int((key(entry) >> shift) & 0xFF)
                            to[offsets[digit]] = entry
                            offsets[digit] += 1
                        }
                        swap(&from, &to)
                    }
                    if from.baseAddress != source.baseAddress, let sorted = from.baseAddress {
                        source.baseAddress?.update(from: sorted, count: count)
                    }
                }
            }
        }
    }

    /// Sorts `ranking` in place with a scratch buffer of its own.
    static func sortDescending(_ ranking: inout [RankedScore]) {
        var scratch: [RankedScore] = []
        sortDescending(&ranking, scratch: &scratch)
    }
}
