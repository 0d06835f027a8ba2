import Datasets
import Folds

/// Gaussian clusters, one per concept, for `crossfold dataset synth` (benchmarks): centres drawn
/// N(0, 1) per feature, noise N(0, spread²) per feature; seeded, so a benchmark's data is
/// reproducible from its command line.
enum SyntheticClusters {
    static func make(rows: Int, features: Int, concepts: Int, spread: Float, seed: UInt64) -> Dataset {
        var random = SeededRandom(seed: seed)
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        func normal() -> Float {
            // Box-Muller.
            let u = max(uniform(), .leastNonzeroMagnitude)
            return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * uniform())
        }
        let centres = (0..<concepts).map { _ in (0..<features).map { _ in normal() } }
        var values = [Float]()
        values.reserveCapacity(rows * features)
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows {
            let concept = row % concepts
            labels[row * concepts + concept] = 1
            for feature in 0..<features { values.append(centres[concept][feature] + spread * normal()) }
        }
        return Dataset(
            featureCount: features, features: values, concepts: (0..<concepts).map { "concept-\($0)" }, labels: labels,
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false)
    }
}

#if canImport(Glibc)
import Glibc
#endif
