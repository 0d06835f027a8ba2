import Foundation
import Testing
import TestSupport

/// The comparison the cluster tests rely on: provenance (and only provenance) is ignored.
struct LabMetricsTests {
    /// A small EvalMetrics document in the layout `EvaluationResult.evalMetrics` writes.
    private func document(wall: String = "1.25", workers: [String] = ["w1", "w2"], seconds: [String] = ["0.5", "0.75"],
                          rocAUC: String = "0.9375", f1: String = "0.8", sha: String = "ab12") -> Data {
        let folds = zip(workers, seconds).enumerated().map { index, pair in
            """
            {"repeat": 0, "fold": \(index), "num_tot": 10, "worker": "\(pair.0)", "seconds": \(pair.1),
             "macro_roc_auc": \(rocAUC), "macro_f1": \(f1), "concepts": [{"concept": "a", "tp": 3}]}
            """
        }
        return Data("""
            {"status": {"code": 21300, "description": "Model was successfully evaluated."},
             "summary": {"macro_avg_roc_auc": \(rocAUC), "macro_avg_f1_score": \(f1)},
             "binary_metrics": [{"concept": {"id": "a"}, "num_pos": 5, "roc_auc": \(rocAUC)}],
             "extended_metrics": {"user_metrics": {"crossfold": {
                "format_version": 1,
                "run": {"model": "logistic", "seed": "42", "wall_seconds": \(wall), "crossfold_version": "0.1.0",
                        "dataset": {"file": "examples/digits.csv", "sha256": "\(sha)", "rows": 20}},
                "folds": [\(folds.joined(separator: ","))]}}}}
            """.utf8)
    }

    @Test func workerIDsTaskTimesAndWallTimeAreIgnored() throws {
        let first = document(wall: "1.25", workers: ["w1", "w2"], seconds: ["0.5", "0.75"])
        let second = document(wall: "9.5", workers: ["w7", "w7"], seconds: ["3.125", "null"])
        #expect(try LabMetrics.differences(expected: first, actual: second).isEmpty)
    }

    @Test func aDifferentMetricIsReportedWithItsPath() throws {
        let differences = try LabMetrics.differences(expected: document(rocAUC: "0.9375"), actual: document(rocAUC: "0.9376"))
        #expect(differences.map(\.path) == [
            "binary_metrics[0].roc_auc",
            "extended_metrics.user_metrics.crossfold.folds[0].macro_roc_auc",
            "extended_metrics.user_metrics.crossfold.folds[1].macro_roc_auc",
            "summary.macro_avg_roc_auc",
        ])
        #expect(differences.first?.description == "binary_metrics[0].roc_auc: expected 0.9375, got 0.9376")
    }

    @Test func doublesMustAgreeBitForBit() throws {
        // 0.30000000000000004 (0.1 + 0.2) and 0.3 are one ulp apart.
        let differences = try LabMetrics.differences(expected: document(f1: "0.3"), actual: document(f1: "0.30000000000000004"))
        #expect(differences.count == 3)
    }

    @Test func everythingOutsideProvenanceCountsEvenInTheCrossfoldBlock() throws {
        let differences = try LabMetrics.differences(expected: document(sha: "ab12"), actual: document(sha: "ab13"))
        #expect(differences.map(\.path) == ["extended_metrics.user_metrics.crossfold.run.dataset.sha256"])
        let fewerFolds = try LabMetrics.differences(expected: document(), actual: document(workers: ["w1"], seconds: ["0.5"]))
        #expect(fewerFolds.map(\.path) == ["extended_metrics.user_metrics.crossfold.folds"])
    }

    @Test func missingAndExtraKeysAreDifferences() throws {
        let plain = Data(#"{"a": 1, "extended_metrics": {"user_metrics": {"crossfold": {"run": {}}}}}"#.utf8)
        let extra = Data(#"{"a": 1, "b": true, "extended_metrics": {"user_metrics": {"crossfold": {"run": {}}}}}"#.utf8)
        let typed = Data(#"{"a": true, "extended_metrics": {"user_metrics": {"crossfold": {"run": {}}}}}"#.utf8)
        #expect(try LabMetrics.differences(expected: plain, actual: extra).map(\.description) == ["b: expected (missing), got true"])
        #expect(try LabMetrics.differences(expected: plain, actual: typed).map(\.description) == ["a: expected 1.0, got true"])
    }

    @Test func aDocumentWithoutTheCrossfoldBlockIsRefused() {
        #expect(throws: LabMetrics.FormatError.self) {
            try LabMetrics.differences(expected: Data(#"{"summary": {}}"#.utf8), actual: document())
        }
        #expect(throws: LabMetrics.FormatError.self) {
            try LabMetrics.differences(expected: document(), actual: Data("not json".utf8))
        }
    }

    @Test func canonicalBytesAgreeForResultsThatDifferOnlyInProvenanceAndLayout() throws {
        let spaced = Data(#"{"b": [1, 2.5], "a": {"y": null, "x": "s"}, "extended_metrics": {"user_metrics": {"crossfold": {"run": {"wall_seconds": 3}}}}}"#.utf8)
        let tight = Data(#"{"extended_metrics":{"user_metrics":{"crossfold":{"run":{"wall_seconds":4.5}}}},"a":{"x":"s","y":null},"b":[1.0,2.50]}"#.utf8)
        #expect(try LabMetrics.canonicalBytes(spaced) == LabMetrics.canonicalBytes(tight))
        let other = Data(#"{"b": [1, 2.5], "a": {"y": null, "x": "t"}, "extended_metrics": {"user_metrics": {"crossfold": {"run": {}}}}}"#.utf8)
        #expect(try LabMetrics.canonicalBytes(spaced) != LabMetrics.canonicalBytes(other))
    }
}
