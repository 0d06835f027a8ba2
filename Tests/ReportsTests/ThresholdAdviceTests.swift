@testable import Reports
import Testing

/// The table's hint when scores rank well but few reach the threshold (centroid's default on
/// digits: 78 of 1,797 predicted, macro F1 0.08, ROC AUC 0.988).
struct ThresholdAdviceTests {
    static func total(labeled: Int, predicted: Int) -> ConceptTable.Row {
        ConceptTable.Row(concept: "Total", totalLabeled: labeled, totalPredicted: predicted)
    }

    @Test func wellRankedScoresBelowTheThresholdGetAHint() {
        let advice = ConceptTable.thresholdAdvice(total: Self.total(labeled: 1797, predicted: 78), rocAUC: 0.988,
                                                  threshold: 0.5, model: "centroid")
        #expect(advice == "only 78 of 1797 labelled inputs score at least 0.50 (Total Predicted), yet macro ROC AUC is "
            + "0.988: the scores rank the inputs well but sit below the threshold, so TP, recall and F1 understate the "
            + "model. Try a lower --threshold, or sharper scores with a lower --param temperature (default 0.1; e.g. 0.02).")
        let other = ConceptTable.thresholdAdvice(total: Self.total(labeled: 100, predicted: 10), rocAUC: 0.95,
                                                 threshold: 0.5, model: "knn")
        #expect(other?.hasSuffix("understate the model. Try a lower --threshold.") == true)
    }

    @Test(arguments: [(1797, 1236, 0.99), (1797, 78, 0.7), (0, 0, 0.99)])
    func noHintWhenMostReachTheThresholdOrTheRankingIsPoor(_ labeled: Int, _ predicted: Int, _ auc: Double) {
        #expect(ConceptTable.thresholdAdvice(total: Self.total(labeled: labeled, predicted: predicted), rocAUC: auc,
                                             threshold: 0.5, model: "centroid") == nil)
    }
}
