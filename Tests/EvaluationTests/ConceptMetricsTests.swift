import Evaluation
import Testing

/// Hand-computed cases for one concept's metrics.
struct ConceptMetricsTests {
    // Sorted: 0.8 (+), 0.4 (−), 0.35 (+), 0.1 (−).
    let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
    let labels = [false, false, true, true]

    @Test func rocAUCCountsOrderedPairs() {
        // Positive 0.8 beats both negatives, 0.35 beats one: 3 of 4 pairs.
        let metrics = ConceptMetrics(scores: scores, labels: labels, threshold: 0.5)
        #expect(metrics.rocAUC == 0.75)
        #expect(metrics.positives == 2 && metrics.negatives == 2 && metrics.total == 4)
    }

    @Test func averagePrecisionIsTheStepSumOverDistinctScores() {
        // Recall 0.5 at precision 1 (score 0.8), recall 1 at precision 2/3 (score 0.35).
        let metrics = ConceptMetrics(scores: scores, labels: labels, threshold: 0.5)
        #expect(abs(metrics.averagePrecision! - (0.5 + 0.5 * 2.0 / 3.0)) < 1e-15)
    }

    @Test func countsAtTheThresholdTreatEqualScoresAsPositive() {
        let atHalf = ConceptMetrics(scores: scores, labels: labels, threshold: 0.5).atThreshold
        #expect(atHalf == ThresholdCounts(truePositives: 1, falsePositives: 0, falseNegatives: 1, trueNegatives: 2))
        #expect(atHalf.precision == 1)
        #expect(atHalf.recall == 0.5)
        #expect(abs(atHalf.f1 - 2.0 / 3.0) < 1e-15)

        // Float(0.35) >= 0.35 when compared in Float32, as the scores are.
        let atScore = ConceptMetrics(scores: scores, labels: labels, threshold: 0.35).atThreshold
        #expect(atScore == ThresholdCounts(truePositives: 2, falsePositives: 1, falseNegatives: 0, trueNegatives: 1))
        #expect(abs(atScore.precision - 2.0 / 3.0) < 1e-15)
        #expect(atScore.recall == 1)
        #expect(abs(atScore.f1 - 0.8) < 1e-15)
    }

    @Test func tiedScoresCountHalfAPair() {
        // Pairs: 0.6+ vs 0.2− wins, 0.6+ vs 0.6− ties (½), 0.9+ beats both: 3.5 / 4.
        let metrics = ConceptMetrics(scores: [0.2, 0.6, 0.6, 0.9], labels: [false, true, false, true], threshold: 0.5)
        #expect(metrics.rocAUC == 0.875)
        // The tied group enters at once: recall 0.5 → 1 at precision 2/3.
        #expect(abs(metrics.averagePrecision! - (0.5 + 0.5 * 2.0 / 3.0)) < 1e-15)
    }

    @Test func allEqualScoresGiveChanceAUC() {
        let metrics = ConceptMetrics(scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true], threshold: 0.5)
        #expect(metrics.rocAUC == 0.5)
        #expect(metrics.averagePrecision == 0.5)
        #expect(metrics.atThreshold == ThresholdCounts(truePositives: 2, falsePositives: 2, falseNegatives: 0, trueNegatives: 0))
        #expect(abs(metrics.atThreshold.f1 - 2.0 / 3.0) < 1e-15)
    }

    @Test func noPositiveLeavesRankingMetricsUndefinedAndRatesZero() {
        let metrics = ConceptMetrics(scores: [0.2, 0.7, 0.9], labels: [false, false, false], threshold: 0.5)
        #expect(metrics.rocAUC == nil)
        #expect(metrics.averagePrecision == nil)
        #expect(metrics.atThreshold.falsePositives == 2)
        #expect(metrics.atThreshold.precision == 0)
        #expect(metrics.atThreshold.recall == 0)
        #expect(metrics.atThreshold.f1 == 0)
        let roc = metrics.curves!.roc
        #expect(roc.tpr!.allSatisfy { $0 == 0 })
        #expect(metrics.curves!.precisionRecall.recall!.allSatisfy { $0 == 0 })
    }

    @Test func noNegativeLeavesAUCUndefinedButAveragePrecisionOne() {
        let metrics = ConceptMetrics(scores: [0.2, 0.7], labels: [true, true], threshold: 0.5)
        #expect(metrics.rocAUC == nil)
        #expect(metrics.averagePrecision == 1)
        #expect(metrics.curves!.roc.fpr!.allSatisfy { $0 == 0 })
    }

    @Test func nothingPredictedHasZeroPrecisionAtTheThreshold() {
        let metrics = ConceptMetrics(scores: [0.1, 0.2], labels: [true, false], threshold: 0.5)
        #expect(metrics.atThreshold.predictedPositives == 0)
        #expect(metrics.atThreshold.precision == 0)
        #expect(metrics.atThreshold.f1 == 0)
    }

    @Test func curvesSitOnTheHundredAndOnePointGrid() throws {
        let curves = try #require(ConceptMetrics(scores: scores, labels: labels, threshold: 0.5).curves)
        let roc = curves.roc
        let pr = curves.precisionRecall
        #expect(roc.thresholds == ThresholdGrid.descending)
        #expect(pr.thresholds == ThresholdGrid.ascending)
        #expect(roc.thresholds!.first == 1 && roc.thresholds!.last == 0)
        #expect(roc.thresholds![65] == 0.35 && pr.thresholds![35] == 0.35)
        for array in [roc.fpr!, roc.tpr!, pr.precision!, pr.recall!] { #expect(array.count == 101) }

        // Threshold 1.00: nothing predicted; precision 1 by convention, recall 0.
        #expect(roc.fpr![0] == 0 && roc.tpr![0] == 0)
        #expect(pr.precision![100] == 1 && pr.recall![100] == 0)
        // Threshold 0.50: only 0.8 predicted.
        #expect(roc.fpr![50] == 0 && roc.tpr![50] == 0.5)
        #expect(pr.precision![50] == 1 && pr.recall![50] == 0.5)
        // Threshold 0.35 includes the score 0.35; 0.36 does not.
        #expect(curves.counts(at: 35) == ThresholdCounts(truePositives: 2, falsePositives: 1, falseNegatives: 0, trueNegatives: 1))
        #expect(curves.counts(at: 36) == ThresholdCounts(truePositives: 1, falsePositives: 1, falseNegatives: 1, trueNegatives: 1))
        // Threshold 0.00: everything predicted.
        #expect(roc.fpr![100] == 1 && roc.tpr![100] == 1)
        #expect(pr.precision![0] == 0.5 && pr.recall![0] == 1)
    }

    @Test func perFoldMetricsCanSkipTheCurves() {
        let metrics = ConceptMetrics(scores: scores, labels: labels, threshold: 0.5, includeCurves: false)
        #expect(metrics.curves == nil)
        #expect(metrics.rocAUC == 0.75)
    }

    @Test func gridLooksThresholdsUpByTheirTwoDecimalValue() {
        #expect(ThresholdGrid.index(of: 0.5) == 50)
        #expect(ThresholdGrid.index(of: 0.354) == 35)
        #expect(ThresholdGrid.index(of: 1.2) == nil)
        #expect(ThresholdGrid.index(of: .nan) == nil)
        #expect(ThresholdGrid.threshold(at: 29) == 0.29)
    }
}
