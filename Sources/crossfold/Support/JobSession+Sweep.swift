import Cluster
import Evaluation
import Foundation
import Reports
import Wire

extension JobSession {
    /// A finished sweep's results: the comparison by `--select` added to its JSON, the best
    /// configuration's HTML report, its predictions (or every configuration's, with
    /// `--all-configurations`), and the comparison table.
    /// With `nested` (`evaluate --nested`), each outer fold's configuration is chosen by an inner
    /// sweep first (`nestedSelection`).
    func finishSweep(_ status: JobStatus, results: JobResults, output: OutputOptions, nested: PreparedJob? = nil) async throws {
        var document: SweepDocument
        do {
            document = try SweepDocument.decode(Data(results.metricsJSON)).compared(by: output.selectionMetric)
        } catch {
            throw CommandFailure(.evaluationFailed, "job \(status.job)'s sweep result cannot be read: \(error)")
        }
        guard let comparison = document.comparison else {
            throw CommandFailure(.evaluationFailed, "job \(status.job)'s sweep result holds no configuration")
        }
        if let nested {
            document.nested = try await nestedSelection(nested, document: document, metric: output.selectionMetric)
        }
        if let path = output.json {
            do {
                try ResultsOutput.write(try document.encoded(), to: path)
            } catch let error as ReportError {
                throw CommandFailure(.evaluationFailed, "cannot write the sweep's JSON: \(error)")
            }
        }
        let best = document.configurations[comparison.best]
        try ResultsOutput.write(metrics: best.evalMetrics, html: output.html)
        let report = try? CrossfoldReport(metrics: best.evalMetrics)
        if let path = output.predictions {
            try await writeSweepPredictions(
                status.job, document: document, best: comparison.best, repeats: report?.repeatCount ?? 1,
                results: results, all: output.allConfigurations, to: path)
        }
        var table = SweepTable.render(comparison, folds: report?.foldCount, repeats: report?.repeatCount)
        if let selection = document.nested { table += "\n" + SweepTable.render(selection) }
        output.usesStandardOutput ? Terminal.standardError(table) : Terminal.standardOutput(table)
    }

    /// Configuration `c`'s repeat `r` is section `c × repeats + r` of the predictions
    /// (`SweepMetrics`); the CSV is the single run's, with a leading `configuration` column when
    /// every configuration's is written.
    private func writeSweepPredictions(
        _ job: String, document: SweepDocument, best: Int, repeats: Int, results: JobResults, all: Bool, to path: String
    ) async throws {
        let writer = try ResultsOutput.PredictionsWriter(path: path)
        var format: PredictionsCSVFormat?
        let c = results.header.concepts
        let sections = all ? 0..<(document.configurations.count * repeats) : (best * repeats)..<((best + 1) * repeats)
        try await client.predictions(
            of: job, rows: results.header.rows, concepts: c, sections: sections
        ) { header in
            let csv = PredictionsCSVFormat(conceptIDs: header.conceptIds, repeats: repeats)
            format = csv
            try writer.write(Data(((all ? "configuration," : "") + csv.header).utf8))
        } _: { page in
            guard let format else { return }
            let configuration = page.page.repeatIndex / repeats
            let prefix = all ? Array((CSVField.escape(document.configurations[configuration].label) + ",").utf8) : []
            for start in stride(from: 0, to: page.inputIDs.count, by: 8192) {
                let end = min(page.inputIDs.count, start + 8192)
                try writer.write(format.rows(
                    ids: Array(page.inputIDs[start..<end]), repeatIndex: page.page.repeatIndex % repeats,
                    folds: Array(page.folds[start..<end]), scores: Array(page.scores[(start * c)..<(end * c)]), prefix: prefix))
            }
        }
        try writer.close()
    }
}
