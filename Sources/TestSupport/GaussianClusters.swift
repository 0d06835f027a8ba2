import Datasets

/// Small labelled datasets with real structure for cluster tests: one Gaussian cluster per
/// concept (exclusive labels), seeded, so every run of a test sees the same numbers.
public enum GaussianClusters {
    /// `rows` inputs with `features` features over `concepts` concepts (ids `c0`, `c1`, ...), rows
    /// dealt round-robin to concepts, each cluster centred at a seeded random point with unit noise
    /// scaled by `spread`.
    public static func make(rows: Int, features: Int, concepts: Int, spread: Float = 1.5, seed: UInt64 = 1) -> Dataset {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func uniform() -> Float {
            // SplitMix64: a tiny, well-mixed generator, enough for fixtures.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24)
        }
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
