import Datasets
import Evaluation
import Testing

/// Every way a set of fold predictions can fail to describe one evaluation.
struct EvaluatorValidationTests {
    let dataset = HandExample.dataset

    private func error(_ predictions: [FoldPredictions], folds: Int = 2, repeats: Int = 1,
                       threshold: Double = 0.5) -> EvaluationError? {
        do {
            _ = try Evaluator.evaluate(dataset: dataset, predictions: predictions, folds: folds, repeats: repeats,
                                       threshold: threshold)
            return nil
        } catch {
            return error
        }
    }

    private func task(_ fold: Int, rows: [Int], repeatIndex: Int = 0, score: Float = 0.5, concepts: Int = 2) -> FoldPredictions {
        FoldPredictions(repeatIndex: repeatIndex, fold: fold, rows: rows,
                        scores: Array(repeating: score, count: rows.count * concepts), conceptCount: concepts)
    }

    @Test func rejectsAMissingTask() {
        #expect(error([task(0, rows: [0, 1, 2])]) == .missingTask(repeatIndex: 0, fold: 1))
    }

    @Test func rejectsADuplicateTask() {
        #expect(error([task(0, rows: [0, 1, 2]), task(0, rows: [0, 1, 2])]) == .duplicateTask(repeatIndex: 0, fold: 0))
    }

    @Test func rejectsATaskOutsideThePlan() {
        #expect(error([task(2, rows: [0])]) == .taskOutOfRange(repeatIndex: 0, fold: 2, folds: 2, repeats: 1))
        #expect(error([task(0, rows: [0], repeatIndex: 1)]) == .taskOutOfRange(repeatIndex: 1, fold: 0, folds: 2, repeats: 1))
    }

    @Test func rejectsARowHeldOutTwiceInARepeat() {
        #expect(error([task(0, rows: [0, 1, 2]), task(1, rows: [2, 3, 4, 5])])
            == .rowTestedTwice(repeatIndex: 0, row: 2, firstFold: 0, secondFold: 1))
    }

    @Test func rejectsARowNoFoldHeldOut() {
        #expect(error([task(0, rows: [0, 1, 2]), task(1, rows: [3, 5])]) == .rowNotTested(repeatIndex: 0, row: 4))
    }

    @Test func rejectsARowOutsideTheDataset() {
        #expect(error([task(0, rows: [0, 1, 2]), task(1, rows: [3, 4, 5, 6])])
            == .rowOutOfRange(repeatIndex: 0, fold: 1, row: 6, rowCount: 6))
    }

    @Test func rejectsAConceptCountOtherThanTheDatasets() {
        #expect(error([task(0, rows: [0, 1, 2], concepts: 3), task(1, rows: [3, 4, 5])])
            == .conceptCountMismatch(repeatIndex: 0, fold: 0, expected: 2, found: 3))
    }

    @Test func rejectsScoresThatAreNotProbabilities() {
        for bad: Float in [.nan, .infinity, -0.01, 1.01] {
            let found = error([task(0, rows: [0, 1, 2]), task(1, rows: [3, 4, 5], score: bad)])
            guard case .invalidScore(0, 1, 3, 0, _)? = found else {
                Issue.record("expected invalidScore for \(bad), got \(String(describing: found))")
                continue
            }
        }
    }

    @Test func rejectsABadThresholdOrPlan() {
        let valid = [task(0, rows: [0, 1, 2]), task(1, rows: [3, 4, 5])]
        #expect(error(valid, threshold: 1.5) == .invalidThreshold(1.5))
        #expect(error(valid, folds: 0) == .invalidPlan(folds: 0, repeats: 1))
        #expect(error(valid, repeats: 0) == .invalidPlan(folds: 2, repeats: 0))
    }

    @Test func checksEveryRepeatSeparately() {
        let repeat0 = [task(0, rows: [0, 1, 2]), task(1, rows: [3, 4, 5])]
        let repeat1 = [task(0, rows: [0, 1, 2], repeatIndex: 1), task(1, rows: [3, 4], repeatIndex: 1)]
        #expect(error(repeat0 + repeat1, repeats: 2) == .rowNotTested(repeatIndex: 1, row: 5))
    }

    @Test func messagesSayWhatIsWrongWhereAndWhatToDo() {
        let message = EvaluationError.rowTestedTwice(repeatIndex: 1, row: 17, firstFold: 2, secondFold: 4).description
        #expect(message.contains("row 17") && message.contains("repeat 1") && message.contains("folds 2 and 4"))
        #expect(message.contains("must partition the rows"))
    }
}
