import Evaluation
import Foundation

/// The evaluation report as one self-contained HTML page (`--html FILE`): the summary and the
/// run, a sortable per-concept table with a threshold slider that recomputes precision, recall and
/// F1 in the browser, ROC and precision-recall curves, the confusion (and, for multi-label data,
/// co-occurrence) heatmaps with the inputs behind a cell, and each concept's ROC AUC per fold.
/// No network, no CDN: the data, style and script are inside the file, so it opens from
/// `file://`.
///
/// Built from an `EvalMetrics` alone, so a crossfold result and one fetched from Clarifai render
/// alike (the per-fold chart and the count view need crossfold's block). Past 100 concepts the
/// heatmaps are drawn on a canvas, past 1,000 they are left out, and the overlaid curves show the
/// 50 concepts with the lowest ROC AUC (any one can be picked).
public enum HTMLReport {
    /// The page for `metrics`, titled `title` (for example the dataset's file name).
    public static func render(_ metrics: EvalMetrics, title: String) throws(ReportError) -> String {
        let data = HTMLReportData(metrics, title: title)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: String
        do {
            json = String(decoding: try encoder.encode(data), as: UTF8.self)
        } catch {
            throw .unencodable(String(describing: error))
        }
        return page(title: title, json: json)
    }

    /// A title for `metrics`: the dataset's file name for a crossfold result, the evaluation id for
    /// Clarifai's.
    public static func title(for metrics: EvalMetrics) -> String {
        if let run = (try? CrossfoldReport(metrics: metrics))??.run {
            return "\(URL(fileURLWithPath: run.dataset.path).lastPathComponent) · \(run.model)"
        }
        return "Clarifai evaluation \(metrics.id ?? "")"
    }

    static func page(title: String, json: String) -> String {
        // "</script" (or "<!--") inside the JSON would change how the script element parses; as
        // "\u003c" no "<" is left, and JSON reads it the same.
        let embedded = json.replacingOccurrences(of: "<", with: "\\u003c")
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escaped(title)) · crossfold report</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <header><h1 id="title"></h1><p class="sub" id="subtitle"></p></header>
            <main>
            <section id="summary" aria-label="Summary"></section>
            <section id="run-section"><h2>Run</h2><table id="run"></table></section>
            <section id="table-section">
            <h2>Per concept</h2>
            <div class="threshold"><label for="threshold">Threshold</label>
            <input type="range" id="threshold" min="0" max="100" step="1">
            <output id="threshold-value" for="threshold"></output></div>
            <p class="note" id="threshold-note"></p>
            <div id="live-summary" aria-live="polite"></div>
            <p class="note">Click a column to sort.</p>
            <table id="concepts"></table>
            </section>
            <section id="curves-section">
            <h2>Curves</h2>
            <div class="controls"><label>Concept <select id="curve-concept"></select></label>
            <span class="note">Averaged over the folds, as Clarifai draws them; the circle marks the chosen threshold.</span></div>
            <div class="charts"><svg id="roc"></svg><svg id="pr"></svg></div>
            <div id="curve-legend"></div>
            </section>
            <section id="confusion-section">
            <h2>Confusion matrix</h2>
            <div class="controls">
            <label><input type="radio" name="cm" id="cm-prob" value="prob" checked> average probability</label>
            <label><input type="radio" name="cm" id="cm-count" value="count"> counts of the top-scoring concept</label>
            <span class="note">Rows: actual concept. Click a cell for the inputs behind it.</span>
            </div>
            <div id="confusion"></div>
            <div id="cell-inputs"></div>
            </section>
            <section id="cooccurrence-section"><h2>Co-occurrence</h2><div id="cooccurrence"></div></section>
            <section id="folds-section"><h2>ROC AUC per fold</h2><p class="note" id="folds-note"></p><svg id="folds" width="640"></svg></section>
            <section id="notes-section"><h2>Notes</h2><ul id="notes"></ul></section>
            </main>
            <script type="application/json" id="report-data">\(embedded)</script>
            <script>
            \(script)
            </script>
            </body>
            </html>

            """
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
