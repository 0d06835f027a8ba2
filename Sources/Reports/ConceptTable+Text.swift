import Foundation

extension ConceptTable {
    /// The table and the summary as aligned plain text, ending in a newline.
    public var text: String {
        let header = ["Concept", "ROC AUC", "Total Labeled", "Total Predicted", "TP", "FN", "FP",
                      "Recall", "Precision", "F1"]
        let body = rows.map(cells)
        let totalCells = cells(total)
        let columns = AlignedColumns([header] + body + [totalCells], leading: 1)
        var lines = [columns.format(header)]
        lines.append(contentsOf: body.map(columns.format))
        lines.append(String(repeating: "-", count: columns.totalWidth))
        lines.append(columns.format(totalCells))
        lines.append("")
        lines.append(contentsOf: summaryLines)
        if let note { lines.append("Note: \(note)") }
        if let advice { lines.append("Note: \(advice)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func cells(_ row: Row) -> [String] {
        var auc = row.rocAUC.map { Self.fixed($0, 3) } ?? "-"
        if let std = row.rocAUCStd { auc += " ± " + Self.fixed(std, 3) }
        return [
            row.concept, auc,
            count(row.totalLabeled), count(row.totalPredicted),
            count(row.truePositives), count(row.falseNegatives), count(row.falsePositives),
            rate(row.recall), rate(row.precision), rate(row.f1),
        ]
    }

    private var summaryLines: [String] {
        let thresholdText = Self.fixed(threshold, 2)
        var lines: [String] = []
        switch source {
        case .crossfold:
            if mode == .holdout {
                lines.append("Threshold \(thresholdText), holdout evaluation: one prediction set, so no spread.")
                lines.append("TP, FN, FP, recall, precision, F1: the holdout's predictions at the threshold.")
            } else {
                let folds = foldCount.map(String.init) ?? "?"
                let repeats = repeatCount.map(String.init) ?? "?"
                lines.append("Threshold \(thresholdText), \(folds) folds x \(repeats) repeat(s). "
                    + "ROC AUC: mean ± sample std (ddof 1) over the folds.")
                lines.append("TP, FN, FP, recall, precision, F1: pooled out-of-fold predictions at the threshold.")
            }
        case .curves:
            lines.append("Threshold \(thresholdText). ROC AUC as reported; TP, FN, FP, recall and precision read from "
                + "the curves at the threshold, as Clarifai's SDK does.")
            lines.append("Macro values as the result's summary reports them"
                + (evaluatedThreshold.map { " (computed at threshold \(Self.fixed($0, 2)))" } ?? "") + ".")
        }
        lines.append("Total: summed counts; recall and precision weighted by Total Labeled; ROC AUC the macro value.")
        let entries: [(String, SummaryValue)] = [
            ("Macro ROC AUC", macroROCAUC), ("Macro F1", macroF1),
            ("Macro precision", macroPrecision), ("Macro recall", macroRecall),
        ]
        let valueTexts = entries.map { _, value in Self.meanAndSpread(value.mean, value.std) }
        let nameWidth = entries.map(\.0.count).max() ?? 0
        let valueWidth = valueTexts.map(\.count).max() ?? 0
        for ((name, value), valueText) in zip(entries, valueTexts) {
            var line = name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + valueText.padding(toLength: valueWidth, withPad: " ", startingAt: 0)
            // A holdout has one prediction set: its value is the pooled one, said once.
            if let pooled = value.pooled, mode != .holdout { line += "  (pooled \(Self.fixed(pooled, 4)))" }
            lines.append(line.trimmingTrailingSpaces())
        }
        return lines
    }

    private func count(_ value: Int?) -> String { value.map(String.init) ?? "-" }
    private func rate(_ value: Double?) -> String { value.map { Self.fixed($0, 3) } ?? "-" }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
