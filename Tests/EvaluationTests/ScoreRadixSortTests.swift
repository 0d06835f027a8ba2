@testable import Evaluation
import Testing

/// The radix sort behind every ranking metric, against the comparison sort it replaced: the same
/// order of scores, ties in input order, for scores with many ties, zeros of both signs and ones.
@Suite struct ScoreRadixSortTests {
    @Test(arguments: [0, 1, 2, 7, 1_000, 65_537])
    func sortsLikeAStableComparisonSortByDecreasingScore(count: Int) {
        var random = SystemRandomNumberGenerator()
        let pool: [Float] = [0, -0.0, 1, 0.5, .leastNonzeroMagnitude, 1 - .ulpOfOne, 0.25]
        let entries = (0..<count).map { index in
            let score: Float = Bool.random(using: &random)
                ? pool.randomElement(using: &random) ?? 0
                : Float.random(in: 0...1, using: &random)
            // The flag records the input position's parity, so stability shows in the result.
            return RankedScore(score: score, isPositive: index % 2 == 0)
        }
        let indexed = entries.enumerated().map { ($0.offset, $0.element) }
        let expected = indexed.sorted { lhs, rhs in
            let (l, r) = (lhs.1.score == 0 ? 0 : lhs.1.score, rhs.1.score == 0 ? 0 : rhs.1.score)
            return l != r ? l > r : lhs.0 < rhs.0
        }
        var sorted = entries
        ScoreRadixSort.sortDescending(&sorted)
        #expect(sorted.map(\.score.bitPattern) == expected.map(\.1.score.bitPattern))
        #expect(sorted.map(\.isPositive) == expected.map(\.1.isPositive))
    }
}
