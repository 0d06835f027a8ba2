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
            throw CommandFailure(ExitStatus.cannotCreate, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A predictions CSV written a page at a time.
    final class PredictionsWriter {
        let path: String
        private let handle: FileHandle

        init(path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path)
            else {
                throw CommandFailure(ExitStatus.cannotCreate, "cannot create \(path): check the directory exists and is writable")
            }
            self.path = path
            self.handle = handle
        }

        func write(_ data: Data) throws {
            do {
                try handle.write(contentsOf: data)
            } catch {
                throw CommandFailure(ExitStatus.cannotCreate, "cannot write \(path): \(error.localizedDescription)")
            }
        }

        func close() throws {
            do {
                try handle.close()
            } catch {
                throw CommandFailure(ExitStatus.cannotCreate, "cannot finish writing \(path): \(error.localizedDescription)")
            }
        }
    }

    /// Prints Clarifai's per-concept table and the summary on standard output.
    static func printTable(_ metrics: EvalMetrics, threshold: Double) {
        Terminal.standardOutput(ConceptTable.render(metrics, threshold: threshold))
    }
}
