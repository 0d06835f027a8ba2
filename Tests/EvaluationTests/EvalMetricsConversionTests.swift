import Datasets
import Evaluation
import Foundation
import JSON
import Testing
import TestSupport

struct EvalMetricsConversionTests {
    static let run = RunDescription(
        model: "logistic", modelParameters: ["l2": "0.01"], seed: 18_446_744_073_709_551_557, split: "stratified",
        folds: 5, repeats: 1, threshold: 0.5,
        dataset: .init(path: "examples/digits.csv", sha256: String(repeating: "ab", count: 32), rows: 240),
        wallTime: .milliseconds(1250),
        tasks: [.init(repeatIndex: 0, fold: 2, worker: "worker-a", duration: .milliseconds(250))],
        toolVersion: "0.1.0"
    )

    private func evaluated(multiLabel: Bool = false) throws -> EvaluationResult {
        let fixture = EvaluationFixtureShortcut.make(multiLabel: multiLabel)
        return try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: fixture.folds)
    }

    @Test func statusAndSummaryAreClarifais() throws {
        let result = try evaluated()
        let metrics = result.evalMetrics(run: Self.run)
        #expect(metrics.status == EvalStatus(code: 21300, description: "Model was successfully evaluated."))
        let summary = try #require(metrics.summary)
        let binary = try #require(metrics.binaryMetrics)
        func mean(_ values: [Double?]) -> Double { values.compactMap { $0 }.reduce(0, +) / Double(values.count) }
        // The macro averages are the means of the per-concept values Clarifai shows beside them.
        #expect(summary.macroAvgRocAuc == mean(binary.map(\.rocAuc)))
        #expect(summary.macroAvgF1Score == mean(binary.map(\.f1)))
        #expect(abs(summary.macroAvgPrecision! - mean(binary.map { $0.precisionRecallCurve?.precision?[50] })) < 1e-12)
        #expect(abs(summary.macroAvgRecall! - mean(binary.map { $0.precisionRecallCurve?.recall?[50] })) < 1e-12)
        #expect(summary.macroStdRocAuc == result.summary.macroROCAUC.standardDeviation)
        #expect(summary.macroStdF1Score == result.summary.macroF1.standardDeviation)
        #expect(metrics.evalInfo?.params == .object([
            "use_kfold": .bool(true), "dataset_id": .string("digits"), "dataset_version_id": .string(Self.run.dataset.sha256),
        ]))
    }

    @Test func identityComesFromTheRun() throws {
        let metrics = try evaluated().evalMetrics(run: Self.run)
        let id = try #require(metrics.id)
        #expect(id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        var rerun = Self.run
        rerun.wallTime = .seconds(9)
        rerun.tasks = []
        #expect(rerun.evaluationID == id)  // the same evaluation run again
        rerun.seed = 1
        #expect(rerun.evaluationID != id)  // another fold plan
        #expect(metrics.model == {
            var model = ModelReference(id: "logistic")
            model.modelTypeID = "embedding-classifier"
            return model
        }())
        #expect(metrics.groundTruthDataset == DatasetReference(id: "digits", versionID: Self.run.dataset.sha256))
        #expect(RunDescription.DatasetFile(path: "/data/set.v2.jsonl", sha256: "ab" + String(repeating: "0", count: 62), rows: 1).datasetID
            == "set.v2")
        #expect(RunDescription.DatasetFile(path: "", sha256: "abcdef0123456789", rows: 1).datasetID == "abcdef012345")
    }

    /// Clarifai's rules, worked by hand on two folds of three inputs (docs/RESULTS.md, "How
    /// Clarifai computes"): a typical split's counts, curves averaged over the splits, macro values
    /// the means of the per-concept ones.
    @Test func handExampleFollowsClarifaisRules() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold0, HandExample.fold1], folds: 2)
        let metrics = result.evalMetrics(run: Self.run)
        let binary = try #require(metrics.binaryMetrics)
        // A: 2 positives and 1 negative in fold 0, 1 and 2 in fold 1: 1.5 each, rounded down.
        #expect(binary.map { [$0.numPos, $0.numNeg, $0.numTot] } == [[1, 1, 3], [1, 1, 3]])
        #expect(binary.map(\.rocAuc) == [0.75, 0.75])
        // At 0.5: A has precision 1 and 0, recall 0.5 and 0 in the two folds; B precision 0.5 and
        // 0.5, recall 1 and 0.5.
        let a = try #require(binary[0].precisionRecallCurve)
        let b = try #require(binary[1].precisionRecallCurve)
        #expect(a.precision?[50] == 0.5 && a.recall?[50] == 0.25)
        #expect(b.precision?[50] == 0.5 && b.recall?[50] == 0.75)
        // Nothing predicted at 1.0: precision 1 in both folds; everything at 0.0: 2/3 and 1/3.
        #expect(a.precision?[100] == 1 && a.recall?[100] == 0)
        #expect(abs(a.precision![0] - 0.5) < 1e-15 && a.recall?[0] == 1)
        // The ROC curve runs from threshold 1.00 down: its index 50 is the same threshold.
        #expect(binary[0].rocCurve?.tpr?[50] == 0.25)
        #expect(binary[0].rocCurve?.fpr?[50] == 0.25)  // fold 0: 0 of 1 negative; fold 1: 1 of 2
        let summary = try #require(metrics.summary)
        #expect(summary.macroAvgPrecision == 0.5 && summary.macroAvgRecall == 0.5)
        #expect(summary.macroAvgRocAuc == 0.75)
        #expect(abs(summary.macroAvgF1Score! - (1.0 / 3.0 + 7.0 / 12.0) / 2) < 1e-15)
        // The pooled counts stay in the crossfold block.
        let report = try #require(try CrossfoldReport(metrics: metrics))
        #expect(report.concepts.map(\.pooled.positives) == [3, 3])
        #expect(report.concepts[0].pooled.grid == result.pooled[0].curves)
    }

    @Test func testSetListsOneSplitOrEveryInput() throws {
        let result = try Evaluator.evaluate(dataset: HandExample.dataset,
                                            predictions: [HandExample.fold0, HandExample.fold1], folds: 2)
        let split = try #require(result.evalMetrics(
            run: Self.run, testSet: TestSetSource(dataset: HandExample.dataset, scope: .split)).testSet)
        #expect(split.map(\.input?.id) == ["r0", "r1", "r2"])
        #expect(split[1].predictedConcepts?.map(\.id) == ["B", "A"])  // sorted by probability
        #expect(split[1].predictedConcepts?.map { $0.value.map(Float.init) } == [0.7, 0.3])
        #expect(split[1].groundTruthConcepts == [Concept(id: "B", name: "B", value: 1)])
        let all = try #require(result.evalMetrics(
            run: Self.run, testSet: TestSetSource(dataset: HandExample.dataset, scope: .all)).testSet)
        #expect(all.map(\.input?.id) == HandExample.dataset.ids)
        #expect(result.evalMetrics(run: Self.run).testSet == nil)
    }

    @Test func oneSplitsTestSetIsCappedLikeClarifais() throws {
        let fixture = EvaluationFixture.make(rows: 2_600, concepts: 3, multiLabel: false, folds: 2, repeats: 1, seed: 5)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 2)
        let entries = try #require(result.evalMetrics(
            run: Self.run, testSet: TestSetSource(dataset: fixture.dataset, scope: .split)).testSet)
        #expect(entries.count == 1000)
        let firstFold = (0..<result.rowCount).filter { result.outOfFold[0].folds[$0] == 0 }.prefix(1000)
        #expect(entries.map(\.input?.id) == firstFold.map { result.inputIDs[$0] })
    }

    @Test func confusionAndCooccurrenceFollowTheDatasetsConceptOrder() throws {
        let result = try evaluated(multiLabel: true)
        let metrics = result.evalMetrics(run: Self.run)
        let confusion = try #require(metrics.confusionMatrix)
        #expect(confusion.conceptIDs == result.concepts)
        #expect(confusion.matrix?.count == 16)
        #expect(confusion.matrix?.map { [$0.actual, $0.predicted] } == result.concepts.flatMap { actual in
            result.concepts.map { [actual, $0] }
        })
        #expect(confusion.matrix?.first?.actualConcept?.value == 1)

        let cooccurrence = try #require(metrics.cooccurrenceMatrix)
        #expect(cooccurrence.conceptIDs == result.concepts)
        #expect(cooccurrence.matrix?.allSatisfy { ($0.count ?? 0) > 0 } == true)
        let counts = metrics.labelCounts?.positiveLabelCounts?.map { $0.count ?? -1 }
        #expect(counts == result.labels.positiveCounts)
        let report = try #require(try CrossfoldReport(metrics: metrics))
        #expect(report.confusionCounts.conceptIDs == result.concepts)
        #expect(report.confusionCounts.matrix == result.confusion.topConceptCounts)
    }

    @Test func crossfoldBlockReadsBackToTheSameReport() throws {
        let result = try evaluated()
        let metrics = result.evalMetrics(run: Self.run)
        let report = try #require(try CrossfoldReport(metrics: metrics))
        #expect(report == result.crossfoldReport(run: Self.run))
        #expect(report.run == Self.run)
        #expect(report.folds[2].worker == "worker-a")
        #expect(report.folds[2].seconds == 0.25)
        #expect(report.folds[0].worker == nil)
        #expect(report.stdDDOF == 1)
        #expect(report.pooledPredictionCount == 240)
    }

    /// Each fold row takes its own task's record, the first where a task is listed twice.
    @Test func everyFoldRowFindsItsTasksRecord() throws {
        var run = Self.run
        run.tasks = (0..<5).reversed().map {
            .init(repeatIndex: 0, fold: $0, worker: "w\($0)", duration: .milliseconds(100 * ($0 + 1)))
        } + [.init(repeatIndex: 0, fold: 3, worker: "later", duration: .milliseconds(1))]
        let report = try evaluated().crossfoldReport(run: run)
        #expect(report.folds.map(\.worker) == ["w0", "w1", "w2", "w3", "w4"])
        #expect(report.folds.map(\.seconds) == [0.1, 0.2, 0.3, 0.4, 0.5])
        #expect(run.tasksByFold().count == 5)
        #expect(run.tasksByFold()[.init(repeatIndex: 1, fold: 0)] == nil)
    }

    @Test func undefinedValuesAreNullNeverNaN() throws {
        let whole = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                    scores: HandExample.fold0.scores + HandExample.fold1.scores, conceptCount: 2)
        let result = try Evaluator.evaluateHoldout(dataset: HandExample.dataset, predictions: whole)
        let metrics = result.evalMetrics(run: Self.run)
        #expect(metrics.summary?.macroStdRocAuc == nil)
        #expect(metrics.summary?.macroStdF1Score == nil)
        #expect(metrics.evalInfo?.params?["use_kfold"] == .bool(false))
        let block = try #require(metrics.extendedMetrics?.userMetrics?["crossfold"])
        #expect(block["summary"]?["macro_roc_auc"]?["std"] == .null)
        #expect(block["concepts"]?.arrayValue?.first?["roc_auc"]?["std"] == .null)
        // A default JSONEncoder throws on NaN: encoding succeeds only if none is left.
        let text = String(decoding: try JSONEncoder().encode(metrics), as: UTF8.self)
        #expect(!text.contains("NaN"))
        #expect(text.contains("\"std\":null"))
    }

    @Test func unreadableCrossfoldBlocksNameTheField() {
        var block = EvaluationFixtureShortcutReport.json
        if case .object(var fields) = block {
            fields["threshold"] = .string("half")
            block = .object(fields)
        }
        #expect(throws: CrossfoldReportError.invalidField(path: "threshold", expected: "a number")) {
            try CrossfoldReport(json: block)
        }
        #expect(throws: CrossfoldReportError.unsupportedVersion(9)) {
            try CrossfoldReport(json: .object(["format_version": .number(9)]))
        }
    }
}

enum EvaluationFixtureShortcutReport {
    static var json: JSONValue {
        let fixture = EvaluationFixtureShortcut.make()
        // The fixture is valid by construction; a failure here is a test bug.
        let result = try? Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: fixture.folds)
        return result?.crossfoldReport(run: EvalMetricsConversionTests.run).json ?? .null
    }
}
