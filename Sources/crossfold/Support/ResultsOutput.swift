import Cluster
import Evaluation
import Foundation
import Reports

/// Writes what a finished evaluation produced: the JSON file, the predictions CSV and the table.
enum ResultsOutput {
    static func write(metrics: EvalMetrics, json path: String?) throws {
        guard let path else { return }
        var data = try EvalMetricsJSON.encode(metrics)
        if path == OutputPath.standardOutputName {
            if data.last != 0x0A { data.append(0x0A) }
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            // Checked before the work; this is a change since (a full disk, a removed directory).
            throw CommandFailure(.cannotWrite, "cannot write \(path): \(OutputPath.problem(writing: path) ?? "\(error)")")
        }
    }

    static func write(results: JobResults, predictions path: String?) throws {
        guard let path else { return }
        let outOfFold = results.predictions.enumerated().map { index, pair in
            OutOfFoldPredictions(repeatIndex: index, folds: pair.folds, scores: pair.scores,
                                 conceptCount: results.header.concepts)
        }
        let csv = PredictionsCSV(inputIDs: results.inputIDs, conceptIDs: results.header.conceptIds, outOfFold: outOfFold)
        if path == OutputPath.standardOutputName { return try csv.write(to: .standardOutput) }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else {
            throw CommandFailure(.cannotWrite, "cannot create \(path): check the directory exists and is writable")
        }
        defer { try? handle.close() }
        try csv.write(to: handle)
    }

    /// Prints Clarifai's per-concept table and the summary on standard output, or on standard
    /// error when a result file (`-`) takes standard output.
    static func printTable(_ metrics: EvalMetrics, threshold: Double, toStandardError: Bool = false) {
        let table = ConceptTable.render(metrics, threshold: threshold)
        toStandardError ? Terminal.standardError(table) : Terminal.standardOutput(table)
    }
}
