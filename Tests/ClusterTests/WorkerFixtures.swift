import Datasets
import Foundation

/// Small real datasets and scratch directories for the worker's tests.
enum WorkerFixtures {
    /// A valid exclusive dataset of `rows` rows: 3 features, 2 concepts, values varied by `seed`.
    static func dataset(rows: Int = 40, seed: Int = 0) -> Dataset {
        var features: [Float] = []
        var labels: [UInt8] = []
        for row in 0..<rows {
            let positive = row % 2
            features += [Float(positive) + Float((row * 7 + seed) % 11) / 20, Float(row % 5) / 4, Float(seed)]
            labels += positive == 0 ? [1, 0] : [0, 1]
        }
        return Dataset(
            featureCount: 3, features: features, concepts: ["cat", "dog"], labels: labels,
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false)
    }

    /// A dataset's canonical bytes and their hash.
    static func canonical(_ dataset: Dataset) -> (bytes: [UInt8], hash: String) {
        let bytes = CanonicalDataset.encode(dataset)
        return (bytes, SHA256Hasher.hash(bytes))
    }

    /// A fresh empty directory under the system's temporary directory.
    static func scratchDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "crossfold-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
