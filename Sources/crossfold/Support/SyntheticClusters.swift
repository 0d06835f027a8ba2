import Datasets
import Folds

/// Gaussian clusters, one per concept, for `crossfold dataset synth` (benchmarks): centres drawn
/// N(0, 1) per feature, noise N(0, spread²) per feature; seeded, so a benchmark's data is
/// reproducible from its command line.
struct SyntheticClusters {
    let rows: Int
    let features: Int
    let concepts: Int
    let spread: Float
    let seed: UInt64

    /// `concept-0` ... zero-padded to one width (`concept-07` with 11 to 100 concepts), so their
    /// numeric order is the canonical order (sorted by UTF-8 bytes) a dataset file requires.
    var conceptIDs: [String] {
        let width = String(max(0, concepts - 1)).count
        return (0..<concepts).map { index in
            let digits = String(index)
            return "concept-" + String(repeating: "0", count: width - digits.count) + digits
        }
    }
    var ids: [String] { (0..<rows).map { "row-\($0)" } }

    /// Row r belongs to concept r mod concepts.
    var labels: [UInt8] {
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows { labels[row * concepts + row % concepts] = 1 }
        return labels
    }

    /// Hands the feature values to `sink`, row by row.
    func generate<Sink: FeatureSink>(into sink: inout Sink) throws(DatasetError) {
        var random = SeededRandom(seed: seed)
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        func normal() -> Float {
            // Box-Muller.
            let u = max(uniform(), .leastNonzeroMagnitude)
            return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * uniform())
        }
        let centres = (0..<concepts).map { _ in (0..<features).map { _ in normal() } }
        var row = [Float](repeating: 0, count: features)
        for index in 0..<rows {
            let centre = centres[index % concepts]
            for feature in 0..<features { row[feature] = centre[feature] + spread * normal() }
            try row.withUnsafeBufferPointer { (values) throws(DatasetError) in try sink.append(contentsOf: values) }
        }
    }

    /// The dataset in memory.
    func make() -> Dataset {
        var values: [Float] = []
        values.reserveCapacity(rows * features)
        // An array sink cannot fail.
        try? generate(into: &values)
        return Dataset(featureCount: features, features: values, concepts: conceptIDs, labels: labels, ids: ids,
                       isMultiLabel: false)
    }

    /// Writes the canonical file to `path` as it generates it (hashing as it writes, in memory
    /// that does not grow with the features), replacing the file atomically.
    /// - Returns: its SHA-256.
    func write(to path: String) throws(DatasetError) -> String {
        let ids = self.ids
        let conceptIDs = self.conceptIDs
        let header = CanonicalHeader(
            rows: rows, featureCount: features, conceptCount: concepts,
            stringsLength: (conceptIDs + ids).reduce(0) { $0 + 4 + $1.utf8.count },
            isMultiLabel: false, hasGroups: false)
        let temporary = CanonicalDataset.temporaryPath(beside: path)
        do throws(DatasetError) {
            var writer = try CanonicalFileWriter(path: temporary, name: path, header: header)
            try generate(into: &writer)
            let (hash, _) = try writer.finish(
                featureCount: features, concepts: conceptIDs, labels: labels, ids: ids, groups: nil, isMultiLabel: false)
            try CanonicalDataset.moveIntoPlace(temporary, path)
            return hash
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
