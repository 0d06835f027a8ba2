import Datasets
import Foundation
import Learners

/// What a fold hands the user's program: the files it writes into the fold's scratch directory and
/// `fold.json`, which names them (docs/COMMAND-LEARNER.md is the contract; keys are snake_case).
/// Every path is absolute.
struct CommandFoldManifest: Codable, Equatable {
    /// The contract's version; a program may refuse a version it does not know.
    var contract = 1
    var fold: Int
    var `repeat`: Int
    var seed: UInt64
    /// Concept ids in column order: column c of the labels and of the scores is `concepts[c]`.
    var concepts: [String]
    var multiLabel: Bool
    var features: Int
    var trainCount: Int
    var testCount: Int
    /// `concepts`, one per line.
    var conceptsFile: String
    /// uint8 n_train x C, 1 where a training row is positive for the concept.
    var trainLabels: String
    /// int64 row indices (n_train and n_test), increasing, into the dataset the job was submitted
    /// with (into `trainDataset`/`testDataset` when those are given).
    var trainRows: String
    var testRows: String
    /// float32 n_train x D and n_test x D copies of the rows, when they are not read in place.
    var trainFeatures: String?
    var testFeatures: String?
    /// The canonical (.cfds) files holding the rows, read in place (then the copies are absent).
    var trainDataset: String?
    var testDataset: String?
    /// Where the program writes its float32 n_test x C scores (.npy).
    var output: String
    /// Threads the fold may use (the worker's share for it).
    var threads: Int

    enum CodingKeys: String, CodingKey {
        case contract, fold, `repeat`, seed, concepts, features, output, threads
        case multiLabel = "multi_label", trainCount = "train_count", testCount = "test_count"
        case conceptsFile = "concepts_file", trainLabels = "train_labels", trainRows = "train_rows"
        case testRows = "test_rows", trainFeatures = "train_features", testFeatures = "test_features"
        case trainDataset = "train_dataset", testDataset = "test_dataset"
    }
}

/// One fold's inputs for the program, and how they are written.
struct CommandFoldFiles {
    let training: Dataset
    let trainRows: [Int]
    /// The dataset the test rows index: `training`, or an aligned holdout.
    let test: Dataset
    let testRows: [Int]
    let repeatIndex: Int
    let fold: Int
    let seed: UInt64
    let threads: Int

    /// The canonical file `dataset`'s rows can be read from in place under `inputs`, or nil to copy.
    static func inPlaceFile(of dataset: Dataset, inputs: CommandSettings.Inputs) -> String? {
        guard inputs == .auto, let file = dataset.features.canonicalFile, file.isStillAtPath else { return nil }
        return file.path.hasPrefix("/") ? file.path : FileManager.default.currentDirectoryPath + "/" + file.path
    }

    /// Writes the files into `directory` and returns the manifest naming them (also written there
    /// as `fold.json`).
    /// - Throws: `DatasetError` when a file cannot be written; `EncodingError` never in practice.
    func write(into directory: String, inputs: CommandSettings.Inputs) throws -> CommandFoldManifest {
        let concepts = training.concepts
        let trainPlace = Self.inPlaceFile(of: training, inputs: inputs)
        let testPlace = Self.inPlaceFile(of: test, inputs: inputs)
        var manifest = CommandFoldManifest(
            fold: fold, repeat: repeatIndex, seed: seed, concepts: concepts, multiLabel: training.isMultiLabel,
            features: training.featureCount, trainCount: trainRows.count, testCount: testRows.count,
            conceptsFile: "\(directory)/concepts.txt", trainLabels: "\(directory)/train_labels.npy",
            trainRows: "\(directory)/train_rows.npy", testRows: "\(directory)/test_rows.npy",
            trainDataset: trainPlace, testDataset: testPlace, output: "\(directory)/scores.npy", threads: threads)
        try Data(concepts.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: manifest.conceptsFile))
        try NPYFile.save(manifest.trainRows, .int64, shape: [trainRows.count], values: trainRows.map(Int64.init))
        try NPYFile.save(manifest.testRows, .int64, shape: [testRows.count], values: testRows.map(Int64.init))
        let c = concepts.count
        var labels = [UInt8](repeating: 0, count: trainRows.count * c)
        for (index, row) in trainRows.enumerated() {
            labels[(index * c)..<(index * c + c)] = training.labels[(row * c)..<(row * c + c)]
        }
        try NPYFile.save(manifest.trainLabels, .uint8, shape: [trainRows.count, c], values: labels)
        if trainPlace == nil {
            manifest.trainFeatures = "\(directory)/train_features.npy"
            try Self.copyRows(trainRows, of: training, to: "\(directory)/train_features.npy")
        }
        if testPlace == nil {
            manifest.testFeatures = "\(directory)/test_features.npy"
            try Self.copyRows(testRows, of: test, to: "\(directory)/test_features.npy")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: "\(directory)/fold.json"))
        return manifest
    }

    /// Writes `rows` of `dataset` as a float32 matrix, gathered in blocks of about 1 MiB.
    static func copyRows(_ rows: [Int], of dataset: Dataset, to path: String) throws(DatasetError) {
        let d = dataset.featureCount
        let rowsPerBlock = max(1, (1 << 18) / max(1, d))
        try NPYFile.save(path, .float32, shape: [rows.count, d]) { (sink) throws(DatasetError) in
            try dataset.features.withUnsafeBufferPointer { (values) throws(DatasetError) in
                var block = [Float]()
                block.reserveCapacity(rowsPerBlock * d)
                for start in stride(from: 0, to: rows.count, by: rowsPerBlock) {
                    block.removeAll(keepingCapacity: true)
                    for row in rows[start..<min(rows.count, start + rowsPerBlock)] {
                        block.append(contentsOf: values[(row * d)..<(row * d + d)])
                    }
                    try NPYFile.bytes(of: block, into: sink)
                }
            }
        }
    }
}
