import Datasets
import Learners
import Testing

@Suite struct LearnerAccuracyTests {
    static let models = LearnerCatalog.learners.map(\.name)

    @Test(arguments: models)
    func separatesWellClusteredExclusiveConcepts(model: String) throws {
        // Clusters sit on the positive orthant's axes (offset 3), so cosine learners see them too.
        let dataset = SyntheticData.clusters(classes: 4, perClass: 40, features: 6, separation: 10, offset: 3)
        let (train, test) = SyntheticData.split(rows: dataset.rowCount, every: 5)
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0, spec: LearnerSpec(model: model)
        )
        #expect(result.rows == test)
        #expect(result.scores.count == test.count * 4)
        #expect(result.scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        #expect(Scoring.accuracy(result.scores, rows: test, dataset: dataset) == 1)
        for concept in 0..<4 {
            #expect(Scoring.auc(result.scores, rows: test, dataset: dataset, concept: concept) == 1)
        }
    }

    @Test(arguments: ["softmax", "centroid", "naive-bayes"])
    func exclusiveProbabilitiesSumToOne(model: String) throws {
        let dataset = SyntheticData.overlapping(rows: 300, features: 5, classes: 3)
        let (train, test) = SyntheticData.split(rows: dataset.rowCount, every: 4)
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0, spec: LearnerSpec(model: model)
        )
        for i in 0..<test.count {
            let sum = result.scores[(i * 3)..<(i * 3 + 3)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
    }

    @Test(arguments: models.filter { $0 != "softmax" })
    func scoresEachMultiLabelConceptOnItsOwn(model: String) throws {
        let dataset = SyntheticData.multiLabel(rows: 300, concepts: 3, features: 5)
        let (train, test) = SyntheticData.split(rows: dataset.rowCount, every: 3)
        let result = try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0, spec: LearnerSpec(model: model)
        )
        #expect(result.scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // Concepts are independent and rows may have 0..3 of them: each concept ranks its own rows.
        let required = model == "logistic" || model == "naive-bayes" ? 1.0 : 0.95
        for concept in 0..<3 {
            #expect(Scoring.auc(result.scores, rows: test, dataset: dataset, concept: concept) >= required)
        }
        // Rows with several concepts get several high probabilities, not a share of one.
        if model == "logistic" || model == "naive-bayes" {
            for (i, row) in test.enumerated() {
                for concept in 0..<3 {
                    let probability = result.scores[i * 3 + concept]
                    #expect(dataset.isPositive(row: row, concept: concept) ? probability > 0.5 : probability < 0.5)
                }
            }
        }
    }

    @Test func softmaxRejectsRowsWithSeveralConcepts() {
        let dataset = SyntheticData.multiLabel(rows: 60, concepts: 3, features: 4)
        let error = #expect(throws: LearnerError.self) {
            try FoldTask.run(
                dataset: dataset, trainRows: Array(0..<50), testRows: Array(50..<60), repeatIndex: 0, fold: 0,
                spec: LearnerSpec(model: "softmax")
            )
        }
        #expect(error?.kind == .trainingFailed)
        #expect(error?.message.contains("softmax needs exactly one concept per row") == true)
        #expect(error?.message.contains("use --model logistic for multi-label data") == true)
    }

    @Test func logisticMeanTrainingProbabilityMatchesConceptFrequency() throws {
        // With an unpenalised intercept the optimum has Σ (p − y) = 0 over the training rows; the
        // stopping tolerance bounds the mean residual.
        let dataset = SyntheticData.overlapping(rows: 400, features: 6, classes: 3)
        let rows = Array(0..<dataset.rowCount)
        let result = try FoldTask.run(
            dataset: dataset, trainRows: rows, testRows: rows, repeatIndex: 0, fold: 0,
            spec: LearnerSpec(model: "logistic", params: ["tol": "1e-6", "max_iter": "1000"])
        )
        for concept in 0..<3 {
            var residual: Double = 0
            for row in rows {
                residual += Double(result.scores[row * 3 + concept]) - (dataset.isPositive(row: row, concept: concept) ? 1 : 0)
            }
            #expect(abs(residual / Double(rows.count)) < 1e-5)
        }
    }

    @Test func strongerRegularisationShrinksProbabilitiesTowardsTheBaseRate() throws {
        let dataset = SyntheticData.clusters(classes: 2, perClass: 50, features: 3, separation: 3)
        let (train, test) = SyntheticData.split(rows: dataset.rowCount, every: 4)
        func spread(_ c: String) throws -> Float {
            let result = try FoldTask.run(
                dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: 0,
                spec: LearnerSpec(model: "logistic", params: ["C": c])
            )
            return (result.scores.max() ?? 0) - (result.scores.min() ?? 0)
        }
        #expect(try spread("0.0001") < spread("1"))
    }
}
