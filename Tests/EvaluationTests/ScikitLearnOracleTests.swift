import Datasets
import Evaluation
import Foundation
import Testing
import TestSupport

/// The same predictions through crossfold and through scikit-learn: every metric agrees to 1e-9.
///
/// Scores travel to Python as Float32 bit patterns, so both sides see identical inputs.
@Suite struct ScikitLearnOracleTests {
    static let tolerance = 1e-9

    /// Per-concept metrics of one prediction set, from scikit-learn.
    struct Oracle: Decodable {
        struct AtThreshold: Decodable {
            let threshold: Double
            let precision: [Double]
            let recall: [Double]
            let f1: [Double]
            let tp: [Int]
            let fp: [Int]
            let fn: [Int]
            let tn: [Int]
        }

        let auc: [Double?]
        let ap: [Double?]
        let gridTP: [[Int]]
        let gridFP: [[Int]]
        let at: [AtThreshold]
        let probability: [[Double]?]
        let topCounts: [[Int]]?
    }

    static let conceptScript = #"""
    import sys, json, warnings
    import numpy as np
    from sklearn.metrics import (roc_auc_score, average_precision_score, precision_recall_fscore_support,
                                 multilabel_confusion_matrix, confusion_matrix)
    warnings.simplefilter("ignore")
    d = json.load(sys.stdin)
    y = np.array(d["labels"], dtype=np.int64)
    s = np.array(d["bits"], dtype=np.uint32).view(np.float32)
    n, c = y.shape
    grid = np.arange(101, dtype=np.float32) / np.float32(100)
    out = {"auc": [], "ap": [], "gridTP": [], "gridFP": [], "at": [], "probability": [], "topCounts": None}
    for k in range(c):
        yk, sk = y[:, k], s[:, k]
        out["auc"].append(float(roc_auc_score(yk, sk)) if 0 < yk.sum() < n else None)
        out["ap"].append(float(average_precision_score(yk, sk)) if yk.sum() > 0 else None)
        predicted = sk[None, :] >= grid[:, None]
        out["gridTP"].append((predicted & (yk == 1)[None, :]).sum(axis=1).tolist())
        out["gridFP"].append((predicted & (yk == 0)[None, :]).sum(axis=1).tolist())
        rows = y[:, k] == 1
        out["probability"].append(s[rows].astype(np.float64).mean(axis=0).tolist() if rows.any() else None)
    for t in d["thresholds"]:
        pred = (s >= np.float32(t)).astype(np.int64)
        p, r, f, _ = precision_recall_fscore_support(y, pred, average=None, zero_division=0)
        m = multilabel_confusion_matrix(y, pred)
        out["at"].append({"threshold": t, "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(),
                          "tn": m[:, 0, 0].tolist(), "fp": m[:, 0, 1].tolist(),
                          "fn": m[:, 1, 0].tolist(), "tp": m[:, 1, 1].tolist()})
    if d["exclusive"]:
        out["topCounts"] = confusion_matrix(y.argmax(axis=1), s.argmax(axis=1), labels=list(range(c))).tolist()
    json.dump(out, sys.stdout)
    """#

    static func oracle(dataset: Dataset, scores: [Float], thresholds: [Double]) async throws -> Oracle {
        let c = dataset.conceptCount
        let payload: [String: Any] = [
            "labels": (0..<dataset.rowCount).map { row in (0..<c).map { dataset.isPositive(row: row, concept: $0) ? 1 : 0 } },
            "bits": (0..<dataset.rowCount).map { row in (0..<c).map { Int(scores[row * c + $0].bitPattern) } },
            "thresholds": thresholds,
            "exclusive": !dataset.isMultiLabel,
        ]
        let output = try await PythonOracle.run(script: conceptScript, stdin: try JSONSerialization.data(withJSONObject: payload))
        return try JSONDecoder().decode(Oracle.self, from: output)
    }

    static func close(_ mine: Double?, _ theirs: Double?) -> Bool {
        switch (mine, theirs) {
        case (nil, nil): true
        case let (a?, b?): abs(a - b) <= tolerance
        default: false
        }
    }

    /// Checks every per-concept metric of `scores` (row-major) against scikit-learn.
    static func checkConcepts(dataset: Dataset, scores: [Float], thresholds: [Double]) async throws {
        let oracle = try await oracle(dataset: dataset, scores: scores, thresholds: thresholds)
        let c = dataset.conceptCount
        for (position, threshold) in thresholds.enumerated() {
            let expected = oracle.at[position]
            for concept in 0..<c {
                let metrics = ConceptMetrics(
                    scores: (0..<dataset.rowCount).map { scores[$0 * c + concept] },
                    labels: (0..<dataset.rowCount).map { dataset.isPositive(row: $0, concept: concept) },
                    threshold: threshold
                )
                let place = "concept \(concept) at threshold \(threshold)"
                #expect(close(metrics.rocAUC, oracle.auc[concept]), "ROC AUC, \(place)")
                #expect(close(metrics.averagePrecision, oracle.ap[concept]), "average precision, \(place)")
                let counts = metrics.atThreshold
                #expect(counts.truePositives == expected.tp[concept], "TP, \(place)")
                #expect(counts.falsePositives == expected.fp[concept], "FP, \(place)")
                #expect(counts.falseNegatives == expected.fn[concept], "FN, \(place)")
                #expect(counts.trueNegatives == expected.tn[concept], "TN, \(place)")
                #expect(close(counts.precision, expected.precision[concept]), "precision, \(place)")
                #expect(close(counts.recall, expected.recall[concept]), "recall, \(place)")
                #expect(close(counts.f1, expected.f1[concept]), "F1, \(place)")
                let curves = try #require(metrics.curves)
                #expect(curves.truePositives == oracle.gridTP[concept], "grid TP, \(place)")
                #expect(curves.falsePositives == oracle.gridFP[concept], "grid FP, \(place)")
            }
        }
    }

    @Test func singleLabelPredictionsWithTiesAgree() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let fixture = EvaluationFixture.make(rows: 600, concepts: 5, multiLabel: false, folds: 5, scoreLevels: 20, seed: 3)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 5)
        let scores = result.outOfFold[0].scores
        try await Self.checkConcepts(dataset: fixture.dataset, scores: scores, thresholds: [0.5, 0.35, 0.3, 0.0, 1.0])

        // Confusion matrix: top-scoring counts are scikit-learn's confusion_matrix; probabilities numpy's means.
        let oracle = try await Self.oracle(dataset: fixture.dataset, scores: scores, thresholds: [0.5])
        #expect(result.confusion.topConceptCounts == oracle.topCounts)
        for actual in 0..<5 {
            let mine = try #require(result.confusion.meanProbability[actual])
            let theirs = try #require(oracle.probability[actual])
            #expect(zip(mine, theirs).allSatisfy { abs($0 - $1) <= Self.tolerance }, "probability row \(actual)")
        }
    }

    @Test func multiLabelPredictionsWithTiesAgree() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let fixture = EvaluationFixture.make(rows: 500, concepts: 6, multiLabel: true, folds: 4, scoreLevels: 10, seed: 5)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 4)
        try await Self.checkConcepts(dataset: fixture.dataset, scores: result.outOfFold[0].scores, thresholds: [0.5, 0.7])
    }

    @Test func continuousScoresAgree() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let fixture = EvaluationFixture.make(rows: 800, concepts: 3, multiLabel: true, folds: 5, scoreLevels: nil, seed: 8)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 5)
        try await Self.checkConcepts(dataset: fixture.dataset, scores: result.outOfFold[0].scores, thresholds: [0.5, 0.42])
    }

    @Test func degenerateConceptsAgree() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        // Columns: a mixed concept, one without positives, one without negatives, one with all-equal scores.
        let rows = 40
        var labels: [UInt8] = []
        var scores: [Float] = []
        for row in 0..<rows {
            labels += [row % 3 == 0 ? 1 : 0, 0, 1, row % 2 == 0 ? 1 : 0]
            scores += [Float(row % 7) / 7, Float(row % 5) / 5, Float(row % 4) / 4, 0.5]
        }
        let dataset = Dataset(featureCount: 1, features: Array(repeating: 0, count: rows), concepts: ["a", "b", "c", "d"],
                              labels: labels, ids: (0..<rows).map { "r\($0)" }, isMultiLabel: true)
        try await Self.checkConcepts(dataset: dataset, scores: scores, thresholds: [0.5, 0.25])
    }
}
