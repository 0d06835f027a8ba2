import Datasets
import Evaluation
import Foundation
import Testing

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
        #expect(summary.macroAvgRocAuc == result.summary.macroROCAUC.mean)
        #expect(summary.macroStdRocAuc == result.summary.macroROCAUC.standardDeviation)
        #expect(summary.macroAvgF1Score == result.summary.macroF1.mean)
        #expect(summary.macroStdF1Score == result.summary.macroF1.standardDeviation)
        #expect(summary.macroAvgPrecision == result.summary.macroPrecision.mean)
        #expect(summary.macroAvgRecall == result.summary.macroRecall.mean)
        #expect(metrics.evalInfo?.params == .object(["use_kfold": .bool(true)]))
    }

    @Test func binaryMetricsPoolCountsAndCurvesAndAverageFoldsForScores() throws {
        let result = try evaluated()
        let binary = try #require(result.evalMetrics(run: Self.run).binaryMetrics)
        #expect(binary.map { $0.concept?.id } == result.concepts)
        for (index, entry) in binary.enumerated() {
            #expect(entry.numPos == result.labels.positiveCounts[index])
            #expect(entry.numTot == result.rowCount)
            #expect(entry.rocAuc == result.conceptSummaries[index].rocAUC.mean)
            #expect(entry.f1 == result.conceptSummaries[index].f1.mean)
            #expect(entry.avgPrecision == result.conceptSummaries[index].averagePrecision.mean)
            #expect(entry.rocCurve?.thresholds?.first == 1)
            #expect(entry.precisionRecallCurve?.thresholds?.first == 0)
            #expect(entry.rocCurve?.tpr?.count == 101)
        }
    }

    @Test func confusionAndCooccurrenceFollowDiagonalStrength() throws {
        let result = try evaluated(multiLabel: true)
        let metrics = result.evalMetrics(run: Self.run)
        let confusion = try #require(metrics.confusionMatrix)
        let order = result.confusion.order.map { result.concepts[$0] }
        #expect(confusion.conceptIDs == order)
        #expect(confusion.matrix?.count == 16)
        let diagonal = (confusion.matrix ?? []).filter { $0.actual == $0.predicted }.compactMap(\.value)
        #expect(diagonal == diagonal.sorted(by: >))
        #expect(confusion.matrix?.first?.predictedConcept?.id == order[0])
        #expect(confusion.matrix?.first?.actualConcept?.value == 1)

        let cooccurrence = try #require(metrics.cooccurrenceMatrix)
        #expect(cooccurrence.conceptIDs == order)
        #expect(cooccurrence.matrix?.allSatisfy { ($0.count ?? 0) > 0 } == true)
        let counts = metrics.labelCounts?.positiveLabelCounts?.map { $0.count ?? -1 }
        #expect(counts == result.labels.positiveCounts)
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

    @Test func undefinedValuesAreNullNeverNaN() throws {
        let whole = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                    scores: HandExample.fold0.scores + HandExample.fold1.scores, conceptCount: 2)
        let result = try Evaluator.evaluateHoldout(dataset: HandExample.dataset, predictions: whole)
        let metrics = result.evalMetrics(run: Self.run)
        #expect(metrics.summary?.macroStdRocAuc == nil)
        #expect(metrics.summary?.macroStdF1Score == nil)
        #expect(metrics.evalInfo?.params == .object(["use_kfold": .bool(false)]))
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
