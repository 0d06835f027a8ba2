import Datasets
import Folds

/// Small labelled datasets with real structure for cluster tests: one Gaussian cluster per
/// concept (exclusive labels), seeded, so every run of a test sees the same numbers.
public enum GaussianClusters {
    /// `rows` inputs with `features` features over `concepts` concepts (ids `c0`, `c1`, ...), rows
    /// dealt round-robin to concepts, each cluster centred at a seeded random point with unit noise
    /// scaled by `spread`.
    public static func make(rows: Int, features: Int, concepts: Int, spread: Float = 1.5, seed: UInt64 = 1) -> Dataset {
        // The fixtures' numbers since the first release: SplitMix64 started one step past `seed`.
        var random = SplitMix64(seed: seed &+ SplitMix64.gamma)
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        func normal() -> Float {
            // Irwin-Hall approximation: the sum of 12 uniforms minus 6.
            (0..<12).reduce(Float(0)) { sum, _ in sum + uniform() } - 6
        }
        let centres = (0..<concepts).map { _ in (0..<features).map { _ in uniform() * 8 - 4 } }
        var values: [Float] = []
        values.reserveCapacity(rows * features)
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows {
            let concept = row % concepts
            labels[row * concepts + concept] = 1
            for feature in 0..<features { values.append(centres[concept][feature] + spread * normal()) }
        }
        let names = (0..<concepts).map { "c\($0)" }
        return Dataset(
            featureCount: features, features: values, concepts: names, labels: labels,
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false)
    }
}
