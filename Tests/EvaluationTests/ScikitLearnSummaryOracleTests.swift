import Datasets
import Evaluation
import Foundation
import Testing
import TestSupport

/// The whole evaluation (per fold, mean and sample std over folds, pooled) recomputed with
/// scikit-learn and numpy from the same fold assignment and scores.
@Suite struct ScikitLearnSummaryOracleTests {
    struct Statistic: Decodable {
        let mean: Double?
        let std: Double?
    }

    struct Expected: Decodable {
        struct Fold: Decodable {
            let auc: Double?
            let ap: Double?
            let f1: Double
            let precision: Double
            let recall: Double
        }

        struct Concept: Decodable {
            let auc: Statistic
            let ap: Statistic
            let f1: Statistic
            let pooledAUC: Double?
            let pooledAP: Double?
            let pooledF1: Double
            let pooledTP: Int
            let pooledFP: Int
        }

        let folds: [Fold]
        let macroAUC: Statistic
        let macroF1: Statistic
        let macroPrecision: Statistic
        let macroRecall: Statistic
        let concepts: [Concept]
        let pooledMacroAUC: Double?
        let pooledMacroF1: Double
    }

    static let script = #"""
    import sys, json, warnings
    import numpy as np
    from sklearn.metrics import roc_auc_score, average_precision_score, precision_recall_fscore_support
    warnings.simplefilter("ignore")
    d = json.load(sys.stdin)
    y = np.array(d["labels"], dtype=np.int64)
    t = np.float32(d["threshold"])
    folds = [np.array(f) for f in d["folds"]]
    scores = [np.array(b, dtype=np.uint32).view(np.float32) for b in d["bits"]]
    K, C = d["K"], y.shape[1]
    nan = float("nan")

    def metrics(yy, ss):
        auc = [roc_auc_score(yy[:, c], ss[:, c]) if 0 < yy[:, c].sum() < len(yy) else nan for c in range(C)]
        ap = [average_precision_score(yy[:, c], ss[:, c]) if yy[:, c].sum() > 0 else nan for c in range(C)]
        p, r, f, _ = precision_recall_fscore_support(yy, (ss >= t).astype(np.int64), average=None, zero_division=0)
        return np.array(auc), np.array(ap), p, r, f

    def clean(x):
        return None if x is None or np.isnan(x) else float(x)

    def stat(values):
        v = np.array(values, dtype=np.float64)
        v = v[~np.isnan(v)]
        return {"mean": clean(v.mean()) if len(v) else None, "std": clean(v.std(ddof=1)) if len(v) > 1 else None}

    def nanmean(v):
        v = v[~np.isnan(v)]
        return float(v.mean()) if len(v) else nan

    rows = []
    per_concept = []
    for f, s in zip(folds, scores):
        for k in range(K):
            m = f == k
            auc, ap, p, r, f1 = metrics(y[m], s[m])
            rows.append({"auc": nanmean(auc), "ap": nanmean(ap), "f1": f1.mean(), "precision": p.mean(), "recall": r.mean()})
            per_concept.append((auc, ap, f1))
    yy = np.concatenate([y] * len(scores))
    ss = np.concatenate(scores)
    auc, ap, p, r, f1 = metrics(yy, ss)
    pred = ss >= t
    out = {
        "folds": [{k: clean(v) for k, v in row.items()} for row in rows],
        "macroAUC": stat([row["auc"] for row in rows]),
        "macroF1": stat([row["f1"] for row in rows]),
        "macroPrecision": stat([row["precision"] for row in rows]),
        "macroRecall": stat([row["recall"] for row in rows]),
        "concepts": [{
            "auc": stat([pc[0][c] for pc in per_concept]),
            "ap": stat([pc[1][c] for pc in per_concept]),
            "f1": stat([pc[2][c] for pc in per_concept]),
            "pooledAUC": clean(auc[c]), "pooledAP": clean(ap[c]), "pooledF1": float(f1[c]),
            "pooledTP": int((pred[:, c] & (yy[:, c] == 1)).sum()),
            "pooledFP": int((pred[:, c] & (yy[:, c] == 0)).sum()),
        } for c in range(C)],
        "pooledMacroAUC": clean(nanmean(auc)),
        "pooledMacroF1": float(f1.mean()),
    }
    json.dump(out, sys.stdout)
    """#

    static func close(_ mine: Double?, _ theirs: Double?) -> Bool {
        switch (mine, theirs) {
        case (nil, nil): true
        case let (a?, b?): abs(a - b) <= 1e-9
        default: false
        }
    }

    static func close(_ mine: FoldStatistic, _ theirs: Statistic) -> Bool {
        close(mine.mean, theirs.mean) && close(mine.standardDeviation, theirs.std)
    }

    /// 30 folds of ~10 inputs, 2 repeats: rare concepts miss some folds entirely.
    @Test(arguments: [false, true])
    func repeatedEvaluationAgreesFoldByFold(multiLabel: Bool) async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let fixture = EvaluationFixture.make(rows: 300, concepts: 5, multiLabel: multiLabel, folds: 30, repeats: 2,
                                             scoreLevels: 20, seed: 21)
        let threshold = 0.45
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 30,
                                            repeats: 2, threshold: threshold)
        let dataset = fixture.dataset
        let c = dataset.conceptCount
        let payload: [String: Any] = [
            "labels": (0..<dataset.rowCount).map { row in (0..<c).map { dataset.isPositive(row: row, concept: $0) ? 1 : 0 } },
            "folds": result.outOfFold.map { $0.folds.map(Int.init) },
            "bits": result.outOfFold.map { oof in (0..<oof.rowCount).map { row in oof.scores(row: row).map { Int($0.bitPattern) } } },
            "threshold": threshold,
            "K": 30,
        ]
        let output = try await PythonOracle.run(script: Self.script, stdin: try JSONSerialization.data(withJSONObject: payload))
        let expected = try JSONDecoder().decode(Expected.self, from: output)

        #expect(result.foldMetrics.count == expected.folds.count)
        #expect(result.foldMetrics.contains { fold in fold.concepts.contains { $0.positives == 0 } },
                "the fixture should have folds without a positive of some concept")
        for (mine, theirs) in zip(result.foldMetrics, expected.folds) {
            let place = "repeat \(mine.repeatIndex) fold \(mine.fold)"
            #expect(Self.close(mine.macro.rocAUC, theirs.auc), "macro AUC, \(place)")
            #expect(Self.close(mine.macro.averagePrecision, theirs.ap), "macro AP, \(place)")
            #expect(Self.close(mine.macro.f1, theirs.f1), "macro F1, \(place)")
            #expect(Self.close(mine.macro.precision, theirs.precision), "macro precision, \(place)")
            #expect(Self.close(mine.macro.recall, theirs.recall), "macro recall, \(place)")
        }
        #expect(Self.close(result.summary.macroROCAUC, expected.macroAUC))
        #expect(Self.close(result.summary.macroF1, expected.macroF1))
        #expect(Self.close(result.summary.macroPrecision, expected.macroPrecision))
        #expect(Self.close(result.summary.macroRecall, expected.macroRecall))
        for concept in 0..<c {
            let mine = result.conceptSummaries[concept]
            let theirs = expected.concepts[concept]
            #expect(Self.close(mine.rocAUC, theirs.auc), "concept \(concept) AUC over folds")
            #expect(Self.close(mine.averagePrecision, theirs.ap), "concept \(concept) AP over folds")
            #expect(Self.close(mine.f1, theirs.f1), "concept \(concept) F1 over folds")
            let pooled = result.pooled[concept]
            #expect(Self.close(pooled.rocAUC, theirs.pooledAUC), "concept \(concept) pooled AUC")
            #expect(Self.close(pooled.averagePrecision, theirs.pooledAP), "concept \(concept) pooled AP")
            #expect(Self.close(pooled.atThreshold.f1, theirs.pooledF1), "concept \(concept) pooled F1")
            #expect(pooled.atThreshold.truePositives == theirs.pooledTP)
            #expect(pooled.atThreshold.falsePositives == theirs.pooledFP)
        }
        #expect(Self.close(result.pooledMacro.rocAUC, expected.pooledMacroAUC))
        #expect(Self.close(result.pooledMacro.f1, expected.pooledMacroF1))
    }
}
