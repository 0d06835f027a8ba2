import Evaluation
import Foundation
import JSON
import Testing
import TestSupport

/// Issue 2's "Done when": `crossfold evaluate examples/digits.csv --folds 5 --seed 7 --json r.json
/// --predictions p.csv` prints the table, scores a macro ROC AUC above 0.99, writes JSON that
/// clarifai-grpc parses as EvalMetrics with unknown fields rejected, and every per-concept value
/// is what scikit-learn recomputes from p.csv.
@Suite struct DigitsEvaluationTests {
    /// scikit-learn's recomputation from the predictions CSV and the dataset's labels: per fold
    /// and per concept, the mean and sample std over folds, pooled values at the threshold, and
    /// the macro summary (per-fold macro over concepts, then mean and std over folds).
    static let oracle = #"""
    import sys, json, csv
    import numpy as np
    from sklearn.metrics import roc_auc_score, average_precision_score, precision_score, recall_score, f1_score, confusion_matrix
    args = json.loads(sys.stdin.read())
    with open(args["dataset"]) as f:
        r = csv.reader(f); head = next(r); li = head.index("label")
        truth = {row[0]: row[li] for row in r}
    with open(args["predictions"]) as f:
        r = csv.reader(f); head = next(r); rows = list(r)
    assert head[:2] == ["id", "fold"], head
    concepts = head[2:]
    ids = [row[0] for row in rows]
    assert len(ids) == len(truth) and set(ids) == set(truth)
    labels = np.array([truth[i] for i in ids])
    folds = np.array([int(row[1]) for row in rows])
    # Cells are Float32 as crossfold computed them; widen exactly to float64.
    scores = np.array([[np.float32(x) for x in row[2:]] for row in rows], dtype=np.float32)
    threshold = np.float32(args["threshold"])

    def at_threshold(y, s):
        p = s >= threshold
        tn, fp, fn, tp = confusion_matrix(y, p, labels=[False, True]).ravel()
        return {"tp": int(tp), "fn": int(fn), "fp": int(fp), "tn": int(tn), "num_pos": int(y.sum()), "num_neg": int((~y).sum()),
                "precision": precision_score(y, p, zero_division=0), "recall": recall_score(y, p, zero_division=0),
                "f1": f1_score(y, p, zero_division=0)}

    def values(y, s):
        v = at_threshold(y, s)
        v["roc_auc"] = roc_auc_score(y, s.astype(np.float64))
        v["avg_precision"] = average_precision_score(y, s.astype(np.float64))
        return v

    def stat(xs):
        return {"mean": float(np.mean(xs)), "std": float(np.std(xs, ddof=1))}

    fold_ids = sorted(set(folds.tolist()))
    out = {"concepts": {}, "fold_ids": fold_ids}
    per_fold_macro = {k: {m: [] for m in ["roc_auc", "f1"]} for k in fold_ids}
    for j, c in enumerate(concepts):
        y = labels == c
        per_fold = []
        for k in fold_ids:
            m = folds == k
            v = values(y[m], scores[m, j]); v["fold"] = k
            per_fold.append(v)
            for key in ["roc_auc", "f1"]:
                per_fold_macro[k][key].append(v[key])
        entry = {key: stat([v[key] for v in per_fold]) for key in ["roc_auc", "avg_precision", "f1", "precision", "recall"]}
        entry["folds"] = per_fold
        entry["pooled"] = values(y, scores[:, j])
        # Clarifai's curves: each fold's rates on the 101-point grid (Float32 thresholds), averaged
        # over the folds where defined; precision is 1 where a fold predicts nothing.
        grid = [np.float32(i) / np.float32(100) for i in range(101)]
        tpr, fpr, prec = [], [], []
        for k in fold_ids:
            m = folds == k
            yk, sk = y[m], scores[m, j]
            pos, neg = int(yk.sum()), int((~yk).sum())
            tp = np.array([int((sk[yk] >= t).sum()) for t in grid]); fp = np.array([int((sk[~yk] >= t).sum()) for t in grid])
            if pos > 0: tpr.append(tp / pos)
            if neg > 0: fpr.append(fp / neg)
            prec.append(np.where(tp + fp == 0, 1.0, tp / np.maximum(tp + fp, 1)))
        fc = [(v["num_pos"], v["num_neg"]) for v in per_fold]
        entry["split_counts"] = {"num_pos": sum(p for p, _ in fc) // len(fc), "num_neg": sum(n for _, n in fc) // len(fc),
                                 "num_tot": sum(p + n for p, n in fc) // len(fc)}
        entry["split_curves"] = {"tpr": np.mean(tpr, axis=0).tolist(), "fpr": np.mean(fpr, axis=0).tolist(),
                                 "precision": np.mean(prec, axis=0).tolist()}
        out["concepts"][c] = entry
    out["macro"] = {key: stat([np.mean(per_fold_macro[k][key]) for k in fold_ids]) for key in ["roc_auc", "f1"]}
    # Clarifai's summary: the means over concepts of the per-concept values, precision and recall
    # read from the averaged curves at 0.5 (grid index 50).
    cs = out["concepts"].values()
    out["clarifai_summary"] = {
        "macro_avg_roc_auc": float(np.mean([e["roc_auc"]["mean"] for e in cs])),
        "macro_avg_f1_score": float(np.mean([e["f1"]["mean"] for e in cs])),
        "macro_avg_precision": float(np.mean([e["split_curves"]["precision"][50] for e in cs])),
        "macro_avg_recall": float(np.mean([e["split_curves"]["tpr"][50] for e in cs])),
    }
    # Confusion: counts of the top-scoring concept, and the mean probability of each concept, per actual concept.
    top = np.array(concepts)[np.argmax(scores, axis=1)]
    counts = confusion_matrix(labels, top, labels=concepts)
    out["confusion_counts"] = {a: {p: int(counts[i][j]) for j, p in enumerate(concepts)} for i, a in enumerate(concepts)}
    out["confusion_means"] = {a: {p: float(np.mean(scores[labels == a, j].astype(np.float64))) for j, p in enumerate(concepts)}
                              for a in concepts}
    print(json.dumps(out))
    """#

    @Test func digitsFiveFoldsMatchScikitLearnRecomputedFromThePredictions() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn", "google.protobuf", "clarifai_grpc"])
        let workspace = try CLIWorkspace()
        let dataset = Repository.example("digits.csv")
        let run = try await crossfold(
            ["evaluate", dataset, "--folds", "5", "--seed", "7", "--json", "r.json", "--predictions", "p.csv"],
            in: workspace)
        try #require(run.exitCode == 0, "\(run)")

        // The per-concept table and the summary on standard output.
        let concepts = (0...9).map(String.init)
        #expect(run.standardOutput.hasPrefix("Concept"), "\(run)")
        for header in ["ROC AUC", "Total Labeled", "Total Predicted", "TP", "FN", "FP", "Recall", "Precision", "F1"] {
            #expect(run.standardOutput.split(separator: "\n").first?.contains(header) == true, "table header lacks \(header)")
        }
        #expect(run.standardOutput.contains("Macro ROC AUC"))
        #expect(run.standardOutput.contains("5 folds x 1 repeat(s)"))
        let table = tableRows(run.standardOutput, concepts: concepts)
        #expect(table.count == 10, "\(run)")

        let json = try readJSON("r.json", in: workspace)
        let block = try #require(json.crossfoldBlock)
        let macroAUC = try #require(block.number("summary.macro_roc_auc.mean"))
        #expect(macroAUC > 0.99)
        #expect(block.at("run.seed")?.stringValue == "7")
        #expect(block.number("fold_count") == 5)

        // clarifai-grpc accepts the file as EvalMetrics with unknown fields rejected.
        let parsed = try await parseAsClarifaiEvalMetrics(try workspace.read("r.json"))
        #expect(parsed.status == 21300)
        #expect(parsed.concepts == concepts)
        #expect(parsed.roc_points == Array(repeating: 101, count: 10))
        #expect(parsed.use_kfold == true)
        #expect(abs(parsed.macro_avg_roc_auc - macroAUC) < 1e-6)

        // scikit-learn recomputes every per-concept value from p.csv.
        let request = #"{"dataset": "\#(dataset)", "predictions": "\#(workspace.path("p.csv"))", "threshold": 0.5}"#
        let oracleText = try await PythonOracle.run(Self.oracle, input: request, requiring: ["numpy", "sklearn"])
        let oracle = try JSONDecoder().decode(JSONValue.self, from: Data(oracleText.utf8))
        #expect(oracle["fold_ids"]?.arrayValue?.count == 5)

        var comparison = Comparison()
        let statistics = ["roc_auc", "avg_precision", "f1", "precision", "recall"]
        let thresholdCounts = ["tp", "fn", "fp", "tn", "num_pos", "num_neg"]
        let thresholdRates = ["precision", "recall", "f1"]
        for (index, concept) in concepts.enumerated() {
            let expected = oracle["concepts"]?[concept]
            let row = block["concepts"]?.element(where: "concept", is: concept)
            for name in statistics {
                comparison.checkFields("concepts[\(concept)].\(name)", ["mean", "std"], actual: row?[name],
                                       expected: expected?[name], tolerance: 1e-9)
            }
            comparison.checkFields("concepts[\(concept)].pooled", thresholdCounts, actual: row?["pooled"],
                                   expected: expected?["pooled"], tolerance: 0)
            comparison.checkFields("concepts[\(concept)].pooled", thresholdRates + ["roc_auc", "avg_precision"],
                                   actual: row?["pooled"], expected: expected?["pooled"], tolerance: 1e-9)

            // Each fold's values, in the folds block.
            for fold in expected?["folds"]?.arrayValue ?? [] {
                let number = fold["fold"]?.doubleValue
                let foldRow = block["folds"]?.arrayValue?.first { $0["fold"]?.doubleValue == number }
                let actual = foldRow?["concepts"]?.element(where: "concept", is: concept)
                let name = "folds[\(Int(number ?? -1))].concepts[\(concept)]"
                comparison.checkFields(name, thresholdCounts, actual: actual, expected: fold, tolerance: 0)
                comparison.checkFields(name, thresholdRates + ["roc_auc", "avg_precision"], actual: actual, expected: fold,
                                       tolerance: 1e-9)
            }

            // Clarifai's binary_metrics: the fold means, as protobuf floats.
            let binary = json["binary_metrics"]?.arrayValue?.first { $0["concept"]?["id"]?.stringValue == concept }
            comparison.check("binary_metrics[\(concept)].roc_auc", binary?["roc_auc"]?.doubleValue,
                             expected?["roc_auc"]?["mean"]?.doubleValue, tolerance: 1e-6)
            comparison.check("binary_metrics[\(concept)].avg_precision", binary?["avg_precision"]?.doubleValue,
                             expected?["avg_precision"]?["mean"]?.doubleValue, tolerance: 1e-6)
            comparison.check("binary_metrics[\(concept)].f1", binary?["f1"]?.doubleValue,
                             expected?["f1"]?["mean"]?.doubleValue, tolerance: 1e-6)
            // A typical split's counts (the folds' mean, rounded down), and the curves averaged over the folds.
            for key in ["num_pos", "num_neg", "num_tot"] {
                comparison.checkEqual("binary_metrics[\(concept)].\(key)", binary?[key]?.doubleValue,
                                      expected?["split_counts"]?[key]?.doubleValue)
            }
            let split = expected?["split_curves"]
            let pr = binary?["precision_recall_curve"]
            let roc = binary?["roc_curve"]
            for index in 0..<101 {
                let point = "[\(concept)][\(index)]"
                comparison.check("binary_metrics\(point).recall", pr?["recall"]?.arrayValue?[index].doubleValue,
                                 split?["tpr"]?.arrayValue?[index].doubleValue, tolerance: 1e-9)
                comparison.check("binary_metrics\(point).precision", pr?["precision"]?.arrayValue?[index].doubleValue,
                                 split?["precision"]?.arrayValue?[index].doubleValue, tolerance: 1e-9)
                comparison.check("binary_metrics\(point).tpr", roc?["tpr"]?.arrayValue?[100 - index].doubleValue,
                                 split?["tpr"]?.arrayValue?[index].doubleValue, tolerance: 1e-9)
                comparison.check("binary_metrics\(point).fpr", roc?["fpr"]?.arrayValue?[100 - index].doubleValue,
                                 split?["fpr"]?.arrayValue?[index].doubleValue, tolerance: 1e-9)
            }
            comparison.check("clarifai-grpc binary_metrics[\(concept)].roc_auc",
                             parsed.roc_auc.indices.contains(index) ? parsed.roc_auc[index] : nil,
                             expected?["roc_auc"]?["mean"]?.doubleValue, tolerance: 1e-6)

            // The printed table's pooled counts.
            let cells = table[concept] ?? []
            for (offset, key) in [(2, "tp"), (3, "fn"), (4, "fp")] {
                comparison.checkEqual("table[\(concept)].\(key)", cells.indices.contains(offset) ? cells[offset] : nil,
                                      expected?["pooled"]?[key]?.doubleValue)
            }
        }

        // The summary: per-fold macro over concepts, then mean and sample std over folds.
        comparison.checkFields("summary.macro_roc_auc", ["mean", "std"], actual: block["summary"]?["macro_roc_auc"],
                               expected: oracle["macro"]?["roc_auc"], tolerance: 1e-9)
        comparison.checkFields("summary.macro_f1", ["mean", "std"], actual: block["summary"]?["macro_f1"],
                               expected: oracle["macro"]?["f1"], tolerance: 1e-9)
        for key in ["macro_avg_roc_auc", "macro_avg_f1_score", "macro_avg_precision", "macro_avg_recall"] {
            comparison.check("summary.\(key)", json.number("summary.\(key)"),
                             oracle["clarifai_summary"]?[key]?.doubleValue, tolerance: 1e-9)
        }
        comparison.check("summary.macro_std_roc_auc", json.number("summary.macro_std_roc_auc"),
                         oracle["macro"]?["roc_auc"]?["std"]?.doubleValue, tolerance: 1e-9)

        // The confusion matrices: top-scoring counts (crossfold block) and mean probabilities (Clarifai's).
        let order = block["confusion_counts"]?["concept_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(order) == Set(concepts))
        let countMatrix = block["confusion_counts"]?["matrix"]?.arrayValue ?? []
        for (row, actual) in order.enumerated() {
            for (column, predicted) in order.enumerated() {
                let cell = countMatrix.indices.contains(row) ? countMatrix[row].arrayValue?[column].doubleValue : nil
                comparison.checkEqual("confusion_counts[\(actual)][\(predicted)]", cell,
                                      oracle["confusion_counts"]?[actual]?[predicted]?.doubleValue)
            }
        }
        let entries = json["confusion_matrix"]?["matrix"]?.arrayValue ?? []
        #expect(entries.count >= 10)
        for entry in entries {
            let (actual, predicted) = (entry["actual"]?.stringValue ?? "?", entry["predicted"]?.stringValue ?? "?")
            comparison.check("confusion_matrix[\(actual)][\(predicted)]", entry["value"]?.doubleValue,
                             oracle["confusion_means"]?[actual]?[predicted]?.doubleValue, tolerance: 1e-6)
        }

        let (compared, mismatches) = (comparison.count, comparison.mismatches.count)
        #expect(compared >= 800, "too few values compared")
        #expect(mismatches == 0, "\(comparison.report)")
    }
}
