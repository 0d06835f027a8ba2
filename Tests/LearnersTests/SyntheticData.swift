import Foundation
import Datasets
import Folds

/// Small seeded datasets for the learner tests: Gaussian clusters with a known answer.
enum SyntheticData {
    /// SplitMix64: a tiny, well-mixed generator, so fixtures are the same on every platform.
    struct Generator {
        private var source: SplitMix64

        init(state: UInt64) { source = SplitMix64(seed: state) }

        mutating func next() -> UInt64 { source.next() }

        /// Uniform in [0, 1).
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

        /// Standard normal (Box-Muller).
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-300)
            let v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// `perClass` rows per concept around well-separated centres (`separation` standard deviations
    /// apart along one axis each), plus `offset` added to every feature so raw cosine and standardised
    /// learners both see structure. Rows are interleaved by class. Exclusive concepts `c0`, `c1`, ...
    static func clusters(
        classes: Int, perClass: Int, features: Int, separation: Double = 8, offset: Double = 0, seed: UInt64 = 1
    ) -> Dataset {
        precondition(features >= classes, "one axis per class")
        var generator = Generator(state: seed)
        var values: [Float] = []
        var labels: [UInt8] = []
        var ids: [String] = []
        for index in 0..<(classes * perClass) {
            let k = index % classes
            for j in 0..<features {
                let centre = (j == k ? separation : 0) + offset
                values.append(Float(centre + generator.normal()))
            }
            for c in 0..<classes { labels.append(c == k ? 1 : 0) }
            ids.append("row-\(index)")
        }
        return Dataset(
            featureCount: features, features: values, concepts: (0..<classes).map { "c\($0)" }, labels: labels,
            ids: ids, isMultiLabel: false
        )
    }

    /// Multi-label rows: concept `k` is positive exactly when feature `k` sits near +`separation`
    /// (otherwise near −`separation`), decided independently per concept, so a row has any number of
    /// concepts, including none. Further features are noise.
    static func multiLabel(rows: Int, concepts: Int, features: Int, separation: Double = 6, seed: UInt64 = 2) -> Dataset {
        precondition(features >= concepts, "one axis per concept")
        var generator = Generator(state: seed)
        var values: [Float] = []
        var labels: [UInt8] = []
        for _ in 0..<rows {
            var row = [Float](repeating: 0, count: features)
            for j in 0..<features { row[j] = Float(generator.normal()) }
            for k in 0..<concepts {
                let positive = generator.uniform() < 0.4
                row[k] += Float(positive ? separation : -separation)
                labels.append(positive ? 1 : 0)
            }
            values.append(contentsOf: row)
        }
        return Dataset(
            featureCount: features, features: values, concepts: (0..<concepts).map { "m\($0)" }, labels: labels,
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: true
        )
    }

    /// Noisy, overlapping clusters: enough rows and width for several row blocks per pass, for the
    /// determinism tests.
    static func overlapping(rows: Int, features: Int, classes: Int, seed: UInt64 = 3) -> Dataset {
        var generator = Generator(state: seed)
        let centres = (0..<(classes * features)).map { _ in generator.normal() * 0.4 }
        var values: [Float] = []
        var labels: [UInt8] = []
        for index in 0..<rows {
            let k = Int(generator.next() % UInt64(classes))
            for j in 0..<features { values.append(Float(centres[k * features + j] + generator.normal() + 0.5)) }
            for c in 0..<classes { labels.append(c == k ? 1 : 0) }
            _ = index
        }
        return Dataset(
            featureCount: features, features: values, concepts: (0..<classes).map { "o\($0)" }, labels: labels,
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false
        )
    }

    /// Every `every`-th row (starting at `phase`) as test rows, the rest as training rows.
    static func split(rows: Int, every: Int, phase: Int = 0) -> (train: [Int], test: [Int]) {
        let test = (0..<rows).filter { $0 % every == phase }
        let train = (0..<rows).filter { $0 % every != phase }
        return (train, test)
    }
}
