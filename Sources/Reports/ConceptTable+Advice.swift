extension ConceptTable {
    /// The scores rank inputs this well or better (macro ROC AUC) ...
    static let wellRanked = 0.9
    /// ... yet fewer than this share of the labelled inputs reach the threshold.
    static let fewPredicted = 0.5

    /// A hint when the scores rank inputs well but most labelled inputs score below the threshold:
    /// the counts, recall and F1 at the threshold then describe the scale of the scores more than
    /// the model. Names the learner's own knob where it has one (centroid's temperature). Nil when
    /// the table shows no such gap.
    static func thresholdAdvice(total: Row, rocAUC: Double?, threshold: Double, model: String?) -> String? {
        guard let rocAUC, rocAUC >= wellRanked, let labeled = total.totalLabeled, let predicted = total.totalPredicted,
              labeled > 0, Double(predicted) < fewPredicted * Double(labeled)
        else { return nil }
        var advice = "only \(predicted) of \(labeled) labelled inputs score at least \(fixed(threshold, 2)) "
            + "(Total Predicted), yet macro ROC AUC is \(fixed(rocAUC, 3)): the scores rank the inputs well but sit "
            + "below the threshold, so TP, recall and F1 understate the model. Try a lower --threshold"
        if model == "centroid" {
            advice += ", or sharper scores with a lower --param temperature (default 0.1; e.g. 0.02)"
        }
        return advice + "."
    }
}
