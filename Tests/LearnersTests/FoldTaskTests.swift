import Datasets
import Folds
import Learners
import Testing

@Suite struct FoldTaskTests {
    static let dataset = SyntheticData.clusters(classes: 3, perClass: 30, features: 4, separation: 6, offset: 2)

    @Test func predictsTheHeldOutRowsOfAFoldPlan() throws {
        // Five folds dealt round-robin; the task gets the plan's row lists, as a worker would.
        let assignments = (0..<Self.dataset.rowCount).map { Int32(($0 * 7) % 5) }
        let plan = FoldPlan(strategy: .random, folds: 5, repeats: 1, seed: 7, assignments: [assignments])
        var covered: [Int] = []
        for fold in 0..<5 {
            let result = try FoldTask.run(
                dataset: Self.dataset, trainRows: plan.trainRows(repeat: 0, fold: fold),
                testRows: plan.testRows(repeat: 0, fold: fold), repeatIndex: 0, fold: fold,
                spec: LearnerSpec(model: "logistic")
            )
            #expect(result.fold == fold)
            #expect(result.repeatIndex == 0)
            #expect(result.rows == plan.testRows(repeat: 0, fold: fold))
            #expect(result.conceptCount == 3)
            #expect(result.scores.count == result.rows.count * 3)
            covered += result.rows
        }
        #expect(covered.sorted() == Array(0..<Self.dataset.rowCount))
    }

    @Test(arguments: [
        ([0, 2, 1], "training row 1 is out of order"),
        ([0, 1, 1], "training row 1 is out of order"),
        ([0, 1, 500], "training row 500 is out of order or outside the dataset's 90 rows"),
        ([-1, 3], "training row -1 is out of order"),
    ])
    func rejectsTrainingRowsOutOfOrderOrRange(rows: [Int], message: String) {
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: Self.dataset, trainRows: rows, testRows: [10, 11], repeatIndex: 0, fold: 0,
                spec: LearnerSpec(model: "logistic")
            )
        }
        #expect(error?.kind == .invalidTask)
        #expect(error?.message.hasPrefix(message) == true)
    }

    @Test func rejectsTestRowsOutOfOrder() {
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: Self.dataset, trainRows: [0, 1, 2, 3], testRows: [11, 10], repeatIndex: 0, fold: 0,
                spec: LearnerSpec(model: "logistic")
            )
        }
        #expect(error?.kind == .invalidTask)
        #expect(error?.message.hasPrefix("test row 10 is out of order") == true)
    }

    @Test func rejectsAFoldWithoutTrainingRows() {
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: Self.dataset, trainRows: [], testRows: [1], repeatIndex: 2, fold: 3,
                spec: LearnerSpec(model: "knn")
            )
        }
        #expect(error?.kind == .invalidTask)
        #expect(error?.message == "fold 3 of repeat 2 has no training rows")
    }

    @Test func rejectsADatasetWithoutFeatures() {
        let empty = Dataset(
            featureCount: 0, features: [], concepts: ["a", "b"], labels: [1, 0, 0, 1], ids: ["x", "y"], isMultiLabel: false
        )
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: empty, trainRows: [0], testRows: [1], repeatIndex: 0, fold: 0, spec: LearnerSpec(model: "logistic")
            )
        }
        #expect(error?.kind == .invalidTask)
        #expect(error?.message == "the dataset has no feature columns; learners need at least one")
    }

    @Test func emptyTestFoldGivesNoPredictions() throws {
        let result = try FoldTask.run(
            dataset: Self.dataset, trainRows: Array(0..<90), testRows: [], repeatIndex: 0, fold: 0,
            spec: LearnerSpec(model: "centroid")
        )
        #expect(result.rows.isEmpty)
        #expect(result.scores.isEmpty)
    }

    @Test func badSpecFailsBeforeTraining() {
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: Self.dataset, trainRows: [0, 1], testRows: [2], repeatIndex: 0, fold: 0,
                spec: LearnerSpec(model: "knn", params: ["k": "-3"])
            )
        }
        #expect(error?.kind == .badParameter)
    }

    /// Training rows without any positive of concept 2 (and, multi-label, a concept on every row).
    @Test(arguments: LearnerCatalog.learners.map(\.name))
    func conceptMissingFromTrainingGetsFiniteProbabilities(model: String) throws {
        let dataset = Self.dataset
        let train = (0..<dataset.rowCount).filter { !dataset.isPositive(row: $0, concept: 2) && $0 % 5 != 0 }
        let test = (0..<dataset.rowCount).filter { $0 % 5 == 0 }
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0, spec: LearnerSpec(model: model)
        )
        #expect(result.scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // The concept never seen in training is unlikely everywhere, the same for every row.
        let unseen = Set(test.indices.map { result.scores[$0 * 3 + 2] })
        #expect(unseen.count == 1)
        #expect((unseen.first ?? 1) < 0.05)
        // The two seen concepts still separate.
        #expect(Scoring.auc(result.scores, rows: test, dataset: dataset, concept: 0) == 1)
    }

    @Test(arguments: LearnerCatalog.learners.map(\.name).filter { $0 != "softmax" })
    func multiLabelConceptOnEveryTrainingRowGetsFiniteProbabilities(model: String) throws {
        let dataset = SyntheticData.multiLabel(rows: 120, concepts: 3, features: 4)
        let train = (0..<dataset.rowCount).filter { dataset.isPositive(row: $0, concept: 1) && $0 % 4 != 0 }
        let test = (0..<dataset.rowCount).filter { $0 % 4 == 0 }
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0, spec: LearnerSpec(model: model)
        )
        #expect(result.scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    @Test(arguments: ["logistic", "naive-bayes"])
    func constantConceptsGetTheSmoothedTrainingFrequency(model: String) throws {
        let dataset = SyntheticData.multiLabel(rows: 120, concepts: 3, features: 4)
        let train = (0..<dataset.rowCount).filter { !dataset.isPositive(row: $0, concept: 0) }
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: [0, 1, 2], repeatIndex: 0, fold: 0,
            spec: LearnerSpec(model: model)
        )
        let expected = Float(0.5 / Double(train.count + 1))
        #expect((0..<3).allSatisfy { result.scores[$0 * 3] == expected })
    }

    // MARK: holdout

    @Test func holdoutTrainsOnOneDatasetAndPredictsAnother() throws {
        let training = SyntheticData.clusters(classes: 3, perClass: 30, features: 4, separation: 6, offset: 2, seed: 11)
        let test = SyntheticData.clusters(classes: 3, perClass: 10, features: 4, separation: 6, offset: 2, seed: 12)
        let result = try FoldTask.runHoldout(training: training, test: test, spec: LearnerSpec(model: "logistic"))
        #expect(result.repeatIndex == 0)
        #expect(result.fold == 0)
        #expect(result.rows == Array(0..<30))
        #expect(Scoring.accuracy(result.scores, rows: result.rows, dataset: test) == 1)
    }

    @Test func holdoutWithOtherFeatureCountIsRejected() {
        let training = SyntheticData.clusters(classes: 3, perClass: 10, features: 4)
        let test = SyntheticData.clusters(classes: 3, perClass: 10, features: 5)
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.runHoldout(training: training, test: test, spec: LearnerSpec(model: "logistic"))
        }
        #expect(error?.kind == .invalidTask)
        #expect(
            error?.message
                == "the holdout dataset has 5 features but the training dataset has 4; both must come from the same embedding"
        )
    }

    @Test func holdoutWithOtherConceptsIsRejected() {
        let training = SyntheticData.clusters(classes: 3, perClass: 10, features: 4)
        let two = SyntheticData.clusters(classes: 2, perClass: 10, features: 4)
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.runHoldout(training: training, test: two, spec: LearnerSpec(model: "logistic"))
        }
        #expect(error?.kind == .invalidTask)
        #expect(error?.message.contains("missing from the holdout: c2") == true)

        let reordered = Dataset(
            featureCount: 4, features: two.features, concepts: ["c1", "c0"], labels: two.labels, ids: two.ids,
            isMultiLabel: false
        )
        let twoConcepts = Dataset(
            featureCount: 4, features: two.features, concepts: ["c0", "c1"], labels: two.labels, ids: two.ids,
            isMultiLabel: false
        )
        let orderError = #expect(throws: LearnerError.self) {
            try FoldTask.runHoldout(training: twoConcepts, test: reordered, spec: LearnerSpec(model: "logistic"))
        }
        #expect(orderError?.message.contains("same concepts in a different order") == true)
    }
}
