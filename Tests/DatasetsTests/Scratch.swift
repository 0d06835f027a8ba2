import Datasets
import Foundation

/// A temporary directory for one test's files, removed when the test lets go of it.
final class Scratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "crossfold-datasets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `text` to `name` in the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to `name` in the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = "\(directory)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }
}

/// The error loading `path` throws, or nil when it loads.
func loadError(_ path: String, labelsPath: String? = nil) -> DatasetError? {
    do {
        _ = try DatasetReader.load(path: path, labelsPath: labelsPath)
        return nil
    } catch {
        return error
    }
}

/// The error validating `dataset` throws, or nil when it is valid.
func validationError(_ dataset: Dataset, file: String = "data.csv") -> DatasetError? {
    do {
        _ = try DatasetValidator.validate(dataset, file: file)
        return nil
    } catch {
        return error
    }
}

/// A CSV with a header `f0,…,label` and `perConcept` rows for each concept, features derived from
/// the row number so every row differs.
func exclusiveCSV(concepts: [String] = ["cat", "dog"], perConcept: Int = 10, features: Int = 2) -> String {
    var lines = [(0..<features).map { "f\($0)" }.joined(separator: ",") + ",label"]
    var row = 0
    for concept in concepts {
        for _ in 0..<perConcept {
            let values = (0..<features).map { "\(Float(row) + Float($0) / 4)" }
            lines.append(values.joined(separator: ",") + ",\(concept)")
            row += 1
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

enum FileManagerShim {
    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
