import Evaluation
import Foundation

/// A sweep's comparison as aligned plain text: one line per configuration, best first and marked,
/// each with its mean ± std over the folds and its paired test against the best.
public enum SweepTable {
    /// The table, lines saying what it shows, ending in a newline. `folds` and `repeats` describe
    /// the plan the configurations shared.
    public static func render(_ comparison: SweepComparison, folds: Int?, repeats: Int?) -> String {
        let metric = SelectionMetric(rawValue: comparison.metric)
        let title = metric?.title ?? comparison.metric
        let header = ["", "Configuration", title, "Δ vs best", "t", "p", "Folds won"]
        let bestMean = comparison.rows.first { $0.best }?.mean
        let body = comparison.rows.map { row -> [String] in
            let value = ConceptTable.meanAndSpread(row.mean, row.std)
            if row.best { return ["*", row.label, value, "best", "", "", ""] }
            guard let paired = row.versusBest else {
                let difference: String = if let mean = row.mean, let bestMean { signed(mean - bestMean) } else { "-" }
                return ["", row.label, value, difference, "-", "-", "-"]
            }
            return [
                "", row.label, value, signed(paired.meanDifference),
                paired.t.map { ConceptTable.fixed($0, 2) } ?? "-", paired.pValue.map(pText) ?? "-",
                "\(paired.wins)/\(paired.pairedFolds)",
            ]
        }
        let columns = AlignedColumns([header] + body, leading: 2)
        var lines = [columns.format(header)]
        lines.append(contentsOf: body.map(columns.format))
        lines.append("")
        let best = comparison.rows.first { $0.best }?.label ?? "?"
        guard let ratio = comparison.testTrainRatio else {
            lines.append("Best (*): \(best), by \(title) as each result's summary reports it (mean ± std over its splits).")
            lines.append("No paired test: Clarifai's results have no per-fold scores, and their splits need not be the same.")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("Best (*): \(best), by \(title): mean ± sample std (ddof 1) over \(folds.map(String.init) ?? "?") folds x "
            + "\(repeats.map(String.init) ?? "?") repeat(s), every configuration on the same folds.")
        lines.append("t, p: \(SweepComparison.testName) against the best, n_test/n_train "
            + "\(ConceptTable.fixed(ratio, 3)); folds won: folds where it scored above the best.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + String(format: "%.4f", value)
    }

    private static func pText(_ p: Double) -> String {
        p < 0.0001 ? String(format: "%.1e", p) : String(format: "%.4f", p)
    }

    /// Nested cross validation's lines: the estimate and each outer fold's choice.
    public static func render(_ nested: NestedSelection) -> String {
        let title = SelectionMetric(rawValue: nested.metric)?.title ?? nested.metric
        let estimate = ConceptTable.meanAndSpread(nested.mean, nested.std)
        var lines = ["Nested CV, \(title): \(estimate) over \(nested.folds.count) outer folds, each scored with the "
            + "configuration a \(nested.innerFolds)-fold sweep of its training rows chose:"]
        for fold in nested.folds {
            lines.append("  outer fold \(fold.fold): \(fold.label) (inner \(fold.innerMean.map { ConceptTable.fixed($0, 4) } ?? "-"), "
                + "outer \(fold.score.map { ConceptTable.fixed($0, 4) } ?? "-"))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
