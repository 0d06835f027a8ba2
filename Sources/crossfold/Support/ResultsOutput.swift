import Cluster
import Evaluation
import Foundation
import JSON
import Reports

/// Writes what a finished evaluation produced: the JSON file, the predictions CSV and the table.
enum ResultsOutput {
    /// Writes a result's EvalMetrics JSON: the compact bytes the coordinator sent, indented
    /// (`JSONIndent`: the bytes decoding and encoding them again would give, in one pass), or, past
    /// `largestIndented`, as they are (indenting the confusion matrix of hundreds of concepts
    /// doubles a file of hundreds of MB).
    static func write(compact: [UInt8], json path: String?) throws {
        guard let path else { return }
        try write(Data(compact.count > largestIndented ? compact : JSONIndent.pretty(compact)), to: path)
    }

    /// 32 MiB of compact JSON: about 350 concepts.
    static let largestIndented = 32 << 20

    /// Writes the HTML report of `metrics` (`HTMLReport`).
    static func write(metrics: EvalMetrics, html path: String?) throws {
        guard let path else { return }
        let page: String
        do {
            page = try HTMLReport.render(metrics, title: HTMLReport.title(for: metrics))
        } catch {
            throw CommandFailure(.evaluationFailed, "cannot build the HTML report: \(error)")
        }
        try write(Data(page.utf8), to: path)
    }

    /// Writes a remote service's reply byte for byte (standard output gets a final newline if it
    /// lacks one).
    static func write(response: Data, json path: String?) throws {
        guard let path else { return }
        try write(response, to: path)
    }

    static func write(_ data: Data, to path: String) throws {
        var data = data
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

    /// A predictions CSV written a page at a time, to a file or (`-`) to standard output.
    final class PredictionsWriter {
        let path: String
        private let handle: FileHandle
        private let ownsHandle: Bool

        init(path: String) throws {
            self.path = path
            if path == OutputPath.standardOutputName {
                handle = .standardOutput
                ownsHandle = false
                return
            }
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path)
            else {
                throw CommandFailure(.cannotWrite, "cannot create \(path): \(OutputPath.problem(writing: path) ?? "check the directory exists and is writable")")
            }
            self.handle = handle
            ownsHandle = true
        }

        func write(_ data: Data) throws {
            do {
                try handle.write(contentsOf: data)
            } catch {
                throw CommandFailure(.cannotWrite, "cannot write \(path): \(OutputPath.problem(writing: path) ?? error.localizedDescription)")
            }
        }

        func close() throws {
            guard ownsHandle else { return }
            do {
                try handle.close()
            } catch {
                throw CommandFailure(.cannotWrite, "cannot finish writing \(path): \(error.localizedDescription)")
            }
        }
    }

    /// Prints Clarifai's per-concept table and the summary on standard output, or on standard
    /// error when a result file (`-`) takes standard output.
    static func printTable(_ metrics: EvalMetrics, threshold: Double, toStandardError: Bool = false) {
        let table = ConceptTable.render(metrics, threshold: threshold)
        toStandardError ? Terminal.standardError(table) : Terminal.standardOutput(table)
    }
}
