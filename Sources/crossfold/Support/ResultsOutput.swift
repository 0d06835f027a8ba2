import Cluster
import Evaluation
import Foundation
import Reports

/// Writes what a finished evaluation produced: the JSON file, the predictions CSV and the table.
enum ResultsOutput {
    static func write(metrics: EvalMetrics, json path: String?) throws {
        guard let path else { return }
        let data = try EvalMetricsJSON.encode(metrics)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(.cannotWrite, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func write(results: JobResults, predictions path: String?) throws {
        guard let path else { return }
        let outOfFold = results.predictions.enumerated().map { index, pair in
            OutOfFoldPredictions(repeatIndex: index, folds: pair.folds, scores: pair.scores,
                                 conceptCount: results.header.concepts)
        }
        let csv = PredictionsCSV(inputIDs: results.inputIDs, conceptIDs: results.header.conceptIds, outOfFold: outOfFold)
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else {
            throw CommandFailure(.cannotWrite, "cannot create \(path): check the directory exists and is writable")
        }
        defer { try? handle.close() }
        try csv.write(to: handle)
    }

    /// Prints Clarifai's per-concept table and the summary on standard output.
    static func printTable(_ metrics: EvalMetrics, threshold: Double) {
        Terminal.standardOutput(ConceptTable.render(metrics, threshold: threshold))
    }
}
