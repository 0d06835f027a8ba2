import Datasets
import Evaluation
import Foundation
import JSON
import Reports
import Testing
import TestSupport

/// The HTML report's page: self-contained, its embedded data what the result says, safe against
/// names that look like markup, and usable at a thousand concepts. The browser test
/// (HTMLReportBrowserTests, Tests/Browser/check_report.py) checks that it works in Chromium.
@Suite struct HTMLReportTests {
    /// The JSON the page embeds, decoded.
    static func data(_ page: String) throws -> JSONValue {
        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"report-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        return try JSONDecoder().decode(JSONValue.self, from: Data(page[start.upperBound..<end.lowerBound].utf8))
    }

    @Test func aCrossfoldResultEmbedsWhatThePageDraws() throws {
        let result = try Fixtures.realisticResult(multiLabel: false)
        let dataset = try Fixtures.realisticDataset(multiLabel: false)
        let metrics = result.evalMetrics(run: Fixtures.run, testSet: TestSetSource(dataset: dataset, scope: .split))
        let page = try HTMLReport.render(metrics, title: "digits.csv")
        let data = try Self.data(page)
        #expect(data["source"]?.stringValue == "crossfold" && data["countsFrom"]?.stringValue == "pooled")
        #expect(data["concepts"]?.arrayValue?.compactMap(\.stringValue) == result.concepts)
        // The slider reads the pooled grid counts: the table at the evaluated threshold is the block's.
        let grid = try #require(data["grid"]?.arrayValue)
        #expect(grid.count == 4 && grid[0]["tp"]?.arrayValue?.count == 101)
        #expect(grid[0]["tp"]?.arrayValue?[50].doubleValue == Double(result.pooled[0].atThreshold.truePositives))
        #expect(data["summary"]?["roc_auc"]?["mean"]?.doubleValue == result.summary.macroROCAUC.mean)
        #expect(data["summary"]?["roc_auc"]?["pooled"]?.doubleValue == result.pooledMacro.rocAUC)
        #expect(data["confusionValues"]?.arrayValue?.count == 4 && data["confusionCounts"]?.arrayValue?.count == 4)
        #expect(data["folds"]?.arrayValue?.count == 10)  // 5 folds × 2 repeats
        #expect(data["inputs"]?.arrayValue?.count == metrics.testSet?.count)
        #expect(data["cooccurrence"] == nil)  // exclusive concepts: only a diagonal
        // Self-contained: no resource from anywhere else.
        for needle in ["src=", "href=", "https://", "@import", "url("] { #expect(!page.contains(needle), "\(needle)") }
        #expect(page.components(separatedBy: "</script>").count == 3)
    }

    @Test func multiLabelDataGetsItsCooccurrence() throws {
        let metrics = try Fixtures.realisticResult(multiLabel: true).evalMetrics(run: Fixtures.run)
        let data = try Self.data(try HTMLReport.render(metrics, title: "tags"))
        #expect(data["cooccurrence"]?.arrayValue?.count == 4)
    }

    @Test func aClarifaiResultRendersFromItsCurves() throws {
        let metrics = try EvalMetricsJSON.decode(RecordedGetEvaluation.body)
        let page = try HTMLReport.render(metrics, title: HTMLReport.title(for: metrics))
        let data = try Self.data(page)
        #expect(data["source"]?.stringValue == "clarifai" && data["countsFrom"]?.stringValue == "curves")
        #expect(data["grid"] == nil && data["folds"] == nil)
        #expect(data["rates"]?.arrayValue?.count == data["concepts"]?.arrayValue?.count)
        #expect(data["inputs"]?.arrayValue?.isEmpty == false)
        #expect(page.contains("Clarifai evaluation \(RecordedGetEvaluation.evaluationID)"))
    }

    @Test func namesThatLookLikeMarkupStayText() throws {
        let dataset = Dataset(
            featureCount: 1, features: [0, 0, 0, 0], concepts: ["</script><b>x", "a&b"], labels: [1, 0, 0, 1, 1, 0, 0, 1],
            ids: ["<i>", "r1", "r2", "r3"], isMultiLabel: false)
        let predictions = [
            FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1], scores: [0.9, 0.1, 0.2, 0.8], conceptCount: 2),
            FoldPredictions(repeatIndex: 0, fold: 1, rows: [2, 3], scores: [0.6, 0.4, 0.3, 0.7], conceptCount: 2),
        ]
        let result = try Evaluator.evaluate(dataset: dataset, predictions: predictions, folds: 2)
        let metrics = result.evalMetrics(run: Fixtures.run, testSet: TestSetSource(dataset: dataset, scope: .all))
        let page = try HTMLReport.render(metrics, title: "<script>alert(1)</script>")
        #expect(page.components(separatedBy: "</script>").count == 3)
        #expect(!page.contains("<script>alert"))
        let data = try Self.data(page)
        #expect(data["concepts"]?.arrayValue?.first?.stringValue == "</script><b>x")
        #expect(data["title"]?.stringValue == "<script>alert(1)</script>")
    }

    /// Seconds of work in a debug build: on a thread of its own, not the cooperative pool.
    @Test func pastAThousandConceptsTheMatricesAreLeftOutWithANote() async throws {
        try await DedicatedThread.run { try Self.thousandConcepts() }
    }

    private static func thousandConcepts() throws {
        var metrics = EvalMetrics()
        let ids = (0...1000).map { "concept-\($0)" }
        let rates = ThresholdGrid.ascending.map { 1 - $0 }
        metrics.binaryMetrics = ids.map { id in
            var binary = BinaryMetrics()
            binary.concept = Concept(id: id)
            binary.numPos = 10
            binary.numNeg = 90
            binary.rocAuc = 0.9
            binary.rocCurve = ROCCurve(fpr: rates.reversed(), tpr: rates.reversed(), thresholds: ThresholdGrid.descending)
            binary.precisionRecallCurve = PrecisionRecallCurve(recall: rates, precision: rates, thresholds: ThresholdGrid.ascending)
            return binary
        }
        metrics.confusionMatrix = ConfusionMatrix(
            matrix: [ConfusionMatrixEntry(predicted: ids[0], actual: ids[0], value: 0.9)], conceptIDs: ids)
        let page = try HTMLReport.render(metrics, title: "wide")
        let data = try Self.data(page)
        #expect(data["confusionValues"] == nil && data["cooccurrence"] == nil)
        #expect(data["notes"]?.arrayValue?.first?.stringValue?.contains("1001 concepts are left out") == true)
        #expect(data["rows"]?.arrayValue?.count == 1001 && data["rates"]?.arrayValue?.count == 1001)
        #expect(page.utf8.count < 8_000_000, "\(page.utf8.count) bytes")
    }
}
