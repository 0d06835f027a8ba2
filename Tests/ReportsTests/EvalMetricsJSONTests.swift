import Evaluation
import Foundation
import Reports
import Testing

struct EvalMetricsJSONTests {
    @Test func encodingIsSortedPrettyAndReadsBackEqual() throws {
        let metrics = try Fixtures.realisticResult().evalMetrics(run: Fixtures.run)
        let data = try EvalMetricsJSON.encode(metrics)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"binary_metrics\" : ["))
        #expect(text.hasSuffix("}\n"))
        let topLevel = ["binary_metrics", "confusion_matrix", "cooccurrence_matrix", "eval_info", "extended_metrics",
                        "label_counts", "status", "summary"]
        let positions = topLevel.map { text.range(of: "\n  \"\($0)\" :")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(try EvalMetricsJSON.decode(data) == metrics)
    }

    @Test func responseEnvelopesAreUnwrapped() throws {
        let single = Data(#"{"status":{"code":10000,"description":"Ok"},"eval_metrics":{"id":"e1","status":{"code":21300}}}"#.utf8)
        #expect(try EvalMetricsJSON.decode(single).id == "e1")
        let list = Data(#"{"status":{"code":10000},"eval_metrics":[{"id":"e2","summary":{"macro_avg_roc_auc":0.9}}]}"#.utf8)
        #expect(try EvalMetricsJSON.decode(list).summary?.macroAvgRocAuc == 0.9)
        let many = Data(#"{"eval_metrics":[{"id":"a"},{"id":"b"}]}"#.utf8)
        #expect(throws: ReportError.self) { try EvalMetricsJSON.decode(many) }
    }

    @Test func protobufNaNStringsAndUnknownKeysAreRead() throws {
        let data = Data(#"{"summary":{"macro_avg_roc_auc":"NaN","macro_avg_f1_score":0.5},"future_field":{"x":1}}"#.utf8)
        let metrics = try EvalMetricsJSON.decode(data)
        #expect(metrics.summary?.macroAvgRocAuc?.isNaN == true)
        #expect(metrics.summary?.macroAvgF1Score == 0.5)
    }

    @Test func nonJSONIsRejectedWithAnExplanation() {
        #expect(throws: ReportError.self) { try EvalMetricsJSON.decode(Data("roc,auc\n".utf8)) }
        do {
            _ = try EvalMetricsJSON.decode(Data("[1, 2]".utf8))
            Issue.record("an array is not an EvalMetrics")
        } catch {
            #expect(error.description.contains("crossfold evaluate --json"))
        }
    }

    @Test func nanCannotBeWritten() {
        var metrics = EvalMetrics()
        var summary = MetricsSummary()
        summary.macroAvgRocAuc = .nan
        metrics.summary = summary
        #expect(throws: ReportError.self) { try EvalMetricsJSON.encode(metrics) }
    }
}
