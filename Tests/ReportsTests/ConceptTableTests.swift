import Datasets
import Evaluation
import Reports
import Testing

struct ConceptTableTests {
    @Test func crossfoldResultsRenderThePinnedTable() throws {
        let metrics = try Fixtures.handResult().evalMetrics(run: Fixtures.run)
        let expected = """
        Concept        ROC AUC  Total Labeled  Total Predicted  TP  FN  FP  Recall  Precision     F1
        A        0.750 ± 0.354              3                2   1   2   1   0.333      0.500  0.400
        B        0.750 ± 0.354              3                4   2   1   2   0.667      0.500  0.571
        --------------------------------------------------------------------------------------------
        Total    0.750 ± 0.354              6                6   3   3   3   0.500      0.500  0.500

        Threshold 0.50, 2 folds x 1 repeat(s). ROC AUC: mean ± sample std (ddof 1) over the folds.
        TP, FN, FP, recall, precision, F1: pooled out-of-fold predictions at the threshold.
        Total: summed counts; recall and precision weighted by Total Labeled; ROC AUC the macro value.
        Macro ROC AUC    0.7500 ± 0.3536  (pooled 0.6667)
        Macro F1         0.4583 ± 0.2946  (pooled 0.4857)
        Macro precision  0.5000           (pooled 0.5000)
        Macro recall     0.5000           (pooled 0.5000)

        """
        #expect(ConceptTable.render(metrics, threshold: 0.5) == expected)
    }

    /// A client reads a job's result without its per-fold section when it only prints the table:
    /// the same table, and the section read as empty.
    @Test func aResultReadWithoutItsFoldsGivesTheSameTable() throws {
        let text = try EvalMetricsJSON.encode(Fixtures.realisticResult().evalMetrics(run: Fixtures.run), pretty: false)
        let full = try EvalMetricsJSON.decode(text)
        let summary = try EvalMetricsJSON.decode(text, perFold: false)
        let fullReport = try #require(try CrossfoldReport(metrics: full))
        let summaryReport = try #require(try CrossfoldReport(metrics: summary))
        #expect(fullReport.folds.count == 10 && summaryReport.folds.isEmpty)
        for threshold in [0.5, 0.3] {
            #expect(ConceptTable(summary, threshold: threshold) == ConceptTable(full, threshold: threshold))
            #expect(ConceptTable.render(summary, threshold: threshold) == ConceptTable.render(full, threshold: threshold))
        }
    }

    @Test func crossfoldRowsArePooledCountsWithFoldMeanAUC() throws {
        let result = try Fixtures.realisticResult()
        let table = ConceptTable(result.evalMetrics(run: Fixtures.run), threshold: 0.5)
        #expect(table.source == .crossfold)
        for (index, row) in table.rows.enumerated() {
            let pooled = result.pooled[index].atThreshold
            #expect(row.concept == result.concepts[index])
            #expect(row.rocAUC == result.conceptSummaries[index].rocAUC.mean)
            #expect(row.rocAUCStd == result.conceptSummaries[index].rocAUC.standardDeviation)
            #expect(row.totalLabeled == pooled.labelledPositives)
            #expect(row.totalPredicted == pooled.predictedPositives)
            #expect(row.truePositives == pooled.truePositives)
            #expect(row.falseNegatives == pooled.falseNegatives)
            #expect(row.falsePositives == pooled.falsePositives)
            #expect(row.precision == pooled.precision && row.recall == pooled.recall && row.f1 == pooled.f1)
        }
        #expect(table.total.totalLabeled == table.rows.compactMap(\.totalLabeled).reduce(0, +))
        #expect(table.macroROCAUC.pooled == result.pooledMacro.rocAUC)
        #expect(table.macroF1.mean == result.summary.macroF1.mean)
        #expect(table.macroF1.std == result.summary.macroF1.standardDeviation)
    }

    @Test func aCrossfoldResultAtAnotherThresholdIsReadFromItsPooledGridExactly() throws {
        let result = try Fixtures.realisticResult(multiLabel: true)
        let metrics = result.evalMetrics(run: Fixtures.run)
        let table = ConceptTable(metrics, threshold: 0.3)
        #expect(table.source == .curves && table.evaluatedThreshold == 0.5)
        for (index, row) in table.rows.enumerated() {
            let counts = try #require(result.pooled[index].curves?.counts(at: 30))
            #expect(row.truePositives == counts.truePositives && row.falsePositives == counts.falsePositives)
            #expect(row.falseNegatives == counts.falseNegatives && row.totalLabeled == counts.labelledPositives)
            #expect(row.precision == counts.precision && row.recall == counts.recall && row.f1 == counts.f1)
            #expect(row.rocAUC == result.conceptSummaries[index].rocAUC.mean)
        }
    }

    @Test func withoutTheBlockTheCurvesGiveOneSplitsCountsLikeTheSDK() throws {
        // As for a result fetched from Clarifai: num_pos is a typical split's, the rates the folds' mean.
        let result = try Fixtures.realisticResult(multiLabel: true)
        var metrics = result.evalMetrics(run: Fixtures.run)
        metrics.extendedMetrics = nil
        let table = ConceptTable(metrics, threshold: 0.5)
        #expect(table.source == .curves)
        for (index, row) in table.rows.enumerated() {
            let tasks = result.foldMetrics.count
            let positives = result.foldMetrics.reduce(0) { $0 + $1.concepts[index].positives } / tasks
            let negatives = result.foldMetrics.reduce(0) { $0 + $1.concepts[index].negatives } / tasks
            let tpr = result.splitCurves[index].tpr[50]
            let fpr = result.splitCurves[index].fpr[50]
            #expect(row.totalLabeled == positives)
            #expect(row.truePositives == Int((tpr * Double(positives) + 1e-6).rounded(.down)))
            #expect(row.falsePositives == Int((fpr * Double(negatives) + 1e-6).rounded(.down)))
            #expect(row.recall == tpr && row.rocAUCStd == nil)
        }
    }

    @Test func clarifaiResultsAreReadAtTheThresholdIndexLikeTheSDK() throws {
        // Float32 values as Clarifai sends them: 0.7 arrives as 0.699999988079071.
        var binary = BinaryMetrics()
        binary.concept = Concept(id: "cat")
        binary.numPos = 10
        binary.numNeg = 20
        binary.rocAuc = 0.91
        let descending = (0...100).reversed().map { Double(Float(Double($0) / 100)) }
        var tpr = Array(repeating: 0.0, count: 101)
        var fpr = Array(repeating: 0.0, count: 101)
        tpr[50] = Double(Float(0.7))
        fpr[50] = Double(Float(0.15))
        binary.rocCurve = ROCCurve(fpr: fpr, tpr: tpr, thresholds: descending)
        var precision = Array(repeating: 1.0, count: 101)
        var recall = Array(repeating: 0.0, count: 101)
        precision[50] = Double(Float(0.7))
        recall[50] = Double(Float(0.7))
        binary.precisionRecallCurve = PrecisionRecallCurve(recall: recall, precision: precision,
                                                           thresholds: descending.reversed())
        var metrics = EvalMetrics()
        metrics.binaryMetrics = [binary]
        var summary = MetricsSummary()
        summary.macroAvgRocAuc = 0.91
        metrics.summary = summary

        let table = ConceptTable(metrics, threshold: 0.5)
        let row = try #require(table.rows.first)
        #expect(row.truePositives == 7)  // int(0.699999988 × 10) would truncate to 6
        #expect(row.falseNegatives == 3)
        #expect(row.falsePositives == 3)
        #expect(row.totalPredicted == 10)
        #expect(row.precision == Double(Float(0.7)))
        #expect(abs(row.f1! - Double(Float(0.7))) < 1e-12)
        #expect(table.total.rocAUC == 0.91)
        #expect(table.macroROCAUC.pooled == nil)
        #expect(!table.text.contains("pooled"))
    }

    @Test func aConceptWithoutCurvesShowsDashes() throws {
        var binary = BinaryMetrics()
        binary.concept = Concept(id: "dog")
        binary.numPos = 12
        binary.rocAuc = .nan  // Clarifai's "NaN" for an undefined AUC
        var metrics = EvalMetrics()
        metrics.binaryMetrics = [binary]
        let table = ConceptTable(metrics, threshold: 0.5)
        let row = try #require(table.rows.first)
        #expect(row.rocAUC == nil && row.truePositives == nil && row.totalLabeled == 12)
        #expect(table.text.contains("dog"))
    }

    @Test func anotherThresholdFallsBackToThePooledCurves() throws {
        let table = ConceptTable(try Fixtures.realisticResult().evalMetrics(run: Fixtures.run), threshold: 0.3)
        #expect(table.source == .curves)
        #expect(table.evaluatedThreshold == 0.5)
        #expect(table.text.contains("computed at threshold 0.50"))
        #expect(table.note?.contains("read from the pooled curves") == true)
    }

    @Test func holdoutResultsShowNoSpread() throws {
        let whole = Fixtures.handPredictions
        let merged = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                     scores: whole[0].scores + whole[1].scores, conceptCount: 2)
        let result = try Evaluator.evaluateHoldout(dataset: Fixtures.handDataset, predictions: merged)
        let text = ConceptTable.render(result.evalMetrics(run: Fixtures.run), threshold: 0.5)
        #expect(!text.contains("±"))
        #expect(text.contains("holdout evaluation"))
        #expect(text.contains("TP, FN, FP, recall, precision, F1: the holdout's predictions at the threshold."))
        #expect(!text.contains("out-of-fold") && !text.contains("pooled"), "\(text)")
    }
}
