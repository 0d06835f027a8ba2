import Datasets
import Evaluation
import Testing
import TestSupport

/// Six inputs, concepts A and B alternating, two folds; every number below is worked by hand.
enum HandExample {
    static let dataset = Dataset(
        featureCount: 1, features: [0, 0, 0, 0, 0, 0], concepts: ["A", "B"],
        labels: [1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1],
        ids: ["r0", "r1", "r2", "r3", "r4", "r5"], isMultiLabel: false
    )
    /// Scores (A, B) per held-out row.
    static let fold0 = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2],
                                       scores: [0.9, 0.1, 0.3, 0.7, 0.4, 0.6], conceptCount: 2)
    static let fold1 = FoldPredictions(repeatIndex: 0, fold: 1, rows: [3, 4, 5],
                                       scores: [0.6, 0.4, 0.2, 0.8, 0.1, 0.9], conceptCount: 2)
}

struct EvaluatorTests {
    @Test func perFoldMetricsMatchTheHandComputation() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold1, HandExample.fold0], folds: 2)
        #expect(result.foldMetrics.map(\.fold) == [0, 1])  // ordered whatever the input order
        let fold0 = result.foldMetrics[0]
        #expect(fold0.rowCount == 3)
        #expect(fold0.concepts.map(\.rocAUC) == [1, 1])
        #expect(fold0.concepts[0].atThreshold == ThresholdCounts(truePositives: 1, falsePositives: 0, falseNegatives: 1, trueNegatives: 1))
        #expect(fold0.concepts[1].atThreshold == ThresholdCounts(truePositives: 1, falsePositives: 1, falseNegatives: 0, trueNegatives: 1))
        #expect(fold0.macro.precision == 0.75 && fold0.macro.recall == 0.75)
        #expect(abs(fold0.macro.f1! - 2.0 / 3.0) < 1e-15)

        let fold1 = result.foldMetrics[1]
        #expect(fold1.concepts.map(\.rocAUC) == [0.5, 0.5])
        #expect(fold1.concepts[0].atThreshold.f1 == 0)
        #expect(fold1.concepts[1].atThreshold.f1 == 0.5)
        #expect(fold1.macro.f1 == 0.25)
    }

    @Test func summaryIsMeanAndSampleStdOverFoldsOfEachFoldsMacro() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold0, HandExample.fold1], folds: 2)
        #expect(result.summary.macroROCAUC.mean == 0.75)
        #expect(abs(result.summary.macroROCAUC.standardDeviation! - 0.125.squareRoot()) < 1e-15)
        #expect(abs(result.summary.macroF1.mean! - 11.0 / 24.0) < 1e-15)
        #expect(abs(result.summary.macroF1.standardDeviation! - (5.0 / 12.0) / 2.0.squareRoot()) < 1e-15)
        #expect(result.summary.macroPrecision.mean == 0.5)
        #expect(result.summary.macroRecall.mean == 0.5)

        let conceptA = result.conceptSummaries[0]
        #expect(conceptA.concept == "A")
        #expect(conceptA.rocAUC.mean == 0.75 && conceptA.rocAUC.count == 2)
        #expect(abs(conceptA.f1.mean! - 1.0 / 3.0) < 1e-15)
    }

    @Test func pooledMetricsUseAllOutOfFoldPredictionsTogether() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold0, HandExample.fold1], folds: 2)
        // Concept A pooled: positives 0.9, 0.4, 0.2 against negatives 0.3, 0.6, 0.1: 6 of 9 pairs.
        #expect(abs(result.pooled[0].rocAUC! - 6.0 / 9.0) < 1e-15)
        #expect(result.pooled[0].total == 6)
        #expect(result.pooled[0].curves != nil)
        #expect(result.outOfFold.count == 1)
        #expect(result.outOfFold[0].folds == [0, 0, 0, 1, 1, 1])
        #expect(Array(result.outOfFold[0].scores(row: 4)) == [0.2, 0.8])
    }

    @Test func confusionMatrixAveragesProbabilitiesAndCountsTopConcepts() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold0, HandExample.fold1], folds: 2)
        let confusion = result.confusion
        let rowA = try #require(confusion.meanProbability[0])
        let rowB = try #require(confusion.meanProbability[1])
        #expect(abs(rowA[0] - 0.5) < 1e-7 && abs(rowA[1] - 0.5) < 1e-7)
        #expect(abs(rowB[0] - 1.0 / 3.0) < 1e-7 && abs(rowB[1] - 2.0 / 3.0) < 1e-7)
        #expect(confusion.topConceptCounts == [[1, 2], [1, 2]])
        #expect(confusion.rowPredictions == [3, 3])
        #expect(result.labels.positiveCounts == [3, 3])
    }

    @Test func aConceptWithoutPositivesInAFoldIsLeftOutOfItsAUCMean() throws {
        // Concept C is positive in row 0 only, held out by fold 0; fold 1 has no positive of C.
        let dataset = Dataset(featureCount: 1, features: [0, 0, 0, 0, 0, 0], concepts: ["A", "C"],
                              labels: [1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0],
                              ids: ["a", "b", "c", "d", "e", "f"], isMultiLabel: true)
        let fold0 = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2],
                                    scores: [0.9, 0.8, 0.2, 0.3, 0.7, 0.1], conceptCount: 2)
        let fold1 = FoldPredictions(repeatIndex: 0, fold: 1, rows: [3, 4, 5],
                                    scores: [0.1, 0.2, 0.6, 0.4, 0.3, 0.1], conceptCount: 2)
        let result = try Evaluator.evaluate(dataset: dataset, predictions: [fold0, fold1], folds: 2)
        #expect(result.foldMetrics[1].concepts[1].positives == 0)
        #expect(result.foldMetrics[1].concepts[1].rocAUC == nil)
        #expect(result.conceptSummaries[1].rocAUC.count == 1)
        #expect(result.conceptSummaries[1].rocAUC.standardDeviation == nil)
        // Fold 1's macro AUC covers concept A alone (0 here: both negatives outrank the positive).
        #expect(result.foldMetrics[1].macro.rocAUC == 0)
        // F1 counts the fold with zero_division = 0.
        #expect(result.conceptSummaries[1].f1.count == 2)
    }

    @Test func aSingleFoldHasMeansButNoSpread() throws {
        let whole = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                    scores: HandExample.fold0.scores + HandExample.fold1.scores, conceptCount: 2)
        let result = try Evaluator.evaluate(dataset: HandExample.dataset, predictions: [whole], folds: 1)
        #expect(result.summary.macroROCAUC.count == 1)
        #expect(result.summary.macroROCAUC.standardDeviation == nil)
        #expect(result.summary.macroROCAUC.mean == result.pooledMacro.rocAUC)
    }

    @Test func holdoutModeLeavesEveryStandardDeviationUnset() throws {
        let whole = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                    scores: HandExample.fold0.scores + HandExample.fold1.scores, conceptCount: 2)
        let result = try Evaluator.evaluateHoldout(dataset: HandExample.dataset, predictions: whole)
        #expect(result.mode == .holdout)
        #expect(result.folds == 1 && result.repeats == 1)
        #expect(result.summary.macroF1.standardDeviation == nil)
        #expect(result.conceptSummaries.allSatisfy { $0.rocAUC.standardDeviation == nil })
        #expect(result.summary.macroROCAUC.mean == result.pooledMacro.rocAUC)
    }

    @Test func repeatsPoolEveryRepeatAndSummariseEveryTask() throws {
        let fixture = EvaluationFixtureShortcut.make(repeats: 3)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions,
                                            folds: fixture.folds, repeats: 3)
        #expect(result.foldMetrics.count == 3 * fixture.folds)
        #expect(result.foldMetrics.map(\.repeatIndex) == (0..<3).flatMap { Array(repeating: $0, count: fixture.folds) })
        #expect(result.pooled[0].total == 3 * fixture.dataset.rowCount)
        #expect(result.outOfFold.map(\.repeatIndex) == [0, 1, 2])
        #expect(result.summary.macroROCAUC.count == 3 * fixture.folds)
        #expect(result.confusion.rowPredictions.reduce(0, +) == 3 * fixture.dataset.rowCount)
    }
}

/// The coordinator evaluates out-of-fold predictions it assembled itself; the numbers are those of
/// the fold tasks' predictions, bit for bit.
@Suite struct OutOfFoldEvaluationTests {
    @Test(arguments: [(false, 1), (false, 3), (true, 2)])
    func outOfFoldPredictionsGiveTheSameResultAsTheFoldTasks(multiLabel: Bool, repeats: Int) throws {
        let fixture = EvaluationFixture.make(rows: 240, concepts: 4, multiLabel: multiLabel, folds: 6, repeats: repeats, seed: 5)
        let fromTasks = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 6,
                                               repeats: repeats, threshold: 0.4)
        let fromOutOfFold = try Evaluator.evaluate(dataset: fixture.dataset, outOfFold: fromTasks.outOfFold, folds: 6,
                                                   threshold: 0.4)
        #expect(fromOutOfFold == fromTasks)
    }

    @Test(arguments: [2, 3, 8])
    func conceptsComputedOnSeveralLanesGiveTheSameResult(lanes: Int) throws {
        let fixture = EvaluationFixture.make(rows: 300, concepts: 5, multiLabel: true, folds: 4, repeats: 2, seed: 11)
        let oneLane = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 4,
                                             repeats: 2, threshold: 0.45)
        let severalLanes = try Evaluator.evaluate(dataset: fixture.dataset, outOfFold: oneLane.outOfFold, folds: 4,
                                                  threshold: 0.45, lanes: lanes)
        #expect(severalLanes == oneLane)
    }

    @Test func aRowWithoutAFoldOrAScoreOutOfRangeIsRefused() throws {
        let fixture = EvaluationFixture.make(rows: 60, concepts: 3, multiLabel: false, folds: 3, seed: 8)
        let good = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 3).outOfFold[0]
        var folds = good.folds
        folds[7] = -1
        let untested = OutOfFoldPredictions(repeatIndex: 0, folds: folds, scores: good.scores, conceptCount: 3)
        #expect(throws: EvaluationError.rowNotTested(repeatIndex: 0, row: 7)) {
            try Evaluator.evaluate(dataset: fixture.dataset, outOfFold: [untested], folds: 3)
        }
        var scores = good.scores
        scores[4] = 1.5
        let invalid = OutOfFoldPredictions(repeatIndex: 0, folds: good.folds, scores: scores, conceptCount: 3)
        #expect(throws: EvaluationError.self) { try Evaluator.evaluate(dataset: fixture.dataset, outOfFold: [invalid], folds: 3) }
    }
}
