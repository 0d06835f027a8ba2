import Datasets
import Folds

/// A labelled dataset with fold predictions of every (repeat, fold) task, generated from a seed:
/// realistic enough for the metrics (informative but imperfect scores, many ties, uneven concept
/// sizes) without training anything.
public struct EvaluationFixture: Sendable {
    public let dataset: Dataset
    public let predictions: [FoldPredictions]
    public let folds: Int
    public let repeats: Int

    /// Generates a fixture.
    ///
    /// - Parameters:
    ///   - multiLabel: false gives exactly one concept per row (concept sizes uneven); true gives
    ///     each concept independently, so some rows have none and some several.
    ///   - scoreLevels: scores are multiples of `1 / scoreLevels`, which makes ties (and, when it
    ///     divides 100, scores exactly on the threshold grid); nil keeps full Float32 precision.
    public static func make(
        rows: Int,
        concepts: Int,
        multiLabel: Bool,
        folds: Int,
        repeats: Int = 1,
        scoreLevels: Int? = 20,
        seed: UInt64
    ) -> EvaluationFixture {
        var random = FixtureRandom(seed: seed)
        let conceptIDs = (0..<concepts).map { "concept-\($0)" }
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows {
            if multiLabel {
                for concept in 0..<concepts where random.unit() < 0.15 + 0.1 * Double(concept % 3) {
                    labels[row * concepts + concept] = 1
                }
            } else {
                // Skewed so concepts differ in size: low indices are more frequent.
                let draw = random.unit() * random.unit()
                labels[row * concepts + min(concepts - 1, Int(draw * Double(concepts)))] = 1
            }
        }
        let dataset = Dataset(
            featureCount: 1,
            features: (0..<rows).map { Float($0) },
            concepts: conceptIDs,
            labels: labels,
            ids: (0..<rows).map { "input-\($0)" },
            isMultiLabel: multiLabel
        )

        var predictions: [FoldPredictions] = []
        for repeatIndex in 0..<repeats {
            var order = Array(0..<rows)
            for index in stride(from: rows - 1, to: 0, by: -1) {
                order.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            var foldOfRow = [Int](repeating: 0, count: rows)
            for (position, row) in order.enumerated() { foldOfRow[row] = position % folds }
            for fold in 0..<folds {
                let heldOut = (0..<rows).filter { foldOfRow[$0] == fold }
                var scores: [Float] = []
                scores.reserveCapacity(heldOut.count * concepts)
                for row in heldOut {
                    for concept in 0..<concepts {
                        let positive = labels[row * concepts + concept] != 0
                        // Positives lean high, negatives low; the overlap keeps AUC below 1.
                        let centre = positive ? 0.62 : 0.3
                        let raw = min(1, max(0, centre + (random.unit() - 0.5) * 0.8))
                        scores.append(Self.quantize(raw, levels: scoreLevels))
                    }
                }
                predictions.append(FoldPredictions(repeatIndex: repeatIndex, fold: fold, rows: heldOut,
                                                   scores: scores, conceptCount: concepts))
            }
        }
        // Tasks finish in any order on a cluster.
        for index in stride(from: predictions.count - 1, to: 0, by: -1) {
            predictions.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        return EvaluationFixture(dataset: dataset, predictions: predictions, folds: folds, repeats: repeats)
    }

    private static func quantize(_ value: Double, levels: Int?) -> Float {
        guard let levels else { return Float(value) }
        // Float(k) / Float(levels) is the Float nearest k/levels, the value the grid compares with.
        return Float((value * Double(levels)).rounded()) / Float(levels)
    }
}

/// SplitMix64 with the draws fixtures need.
struct FixtureRandom {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 {
        source.next()
    }

    /// A uniform Double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
