import Foundation
import Testing
import TestSupport

/// `--model command` end to end through `crossfold evaluate`'s embedded cluster (issue 16): the
/// scikit-learn example scores what scikit-learn's own cross_val_predict scores on the same folds,
/// and every way a program can fail ends the evaluation with a message that says what happened,
/// quoting the program's last stderr lines, with no process and no scratch directory left behind.
@Suite struct CommandLearnerTests {
    static let example = Repository.root.appendingPathComponent("examples/learners/sklearn_logistic.py").path

    /// scikit-learn's cross_val_predict on the folds of crossfold's predictions CSV, with the model
    /// of examples/learners/sklearn_logistic.py on the same float32 features, and the macro ROC AUC
    /// as crossfold summarises it (per concept the mean over folds, then the mean over concepts).
    static let oracle = #"""
    import sys, json, csv
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import PredefinedSplit, cross_val_predict
    args = json.loads(sys.stdin.read())
    with open(args["dataset"]) as f:
        r = csv.reader(f); head = next(r); rows = list(r)
    label = head.index("label"); id_column = head.index("id")
    features = [i for i, name in enumerate(head) if name not in ("id", "label", "group")]
    x = np.array([[float(row[i]) for i in features] for row in rows], dtype=np.float32)
    with open(args["predictions"]) as f:
        r = csv.reader(f); head = next(r); predicted = list(r)
    assert [row[0] for row in predicted] == [row[id_column] for row in rows]
    concepts = head[2:]
    y = np.array([concepts.index(row[label]) for row in rows])
    folds = np.array([int(row[1]) for row in predicted])
    scores = cross_val_predict(LogisticRegression(max_iter=1000, random_state=args["seed"]), x, y,
                               cv=PredefinedSplit(folds), method="predict_proba")
    theirs = np.array([[np.float32(v) for v in row[2:]] for row in predicted], dtype=np.float32)
    auc = np.mean([np.mean([roc_auc_score(y[folds == k] == c, scores[folds == k, c]) for k in np.unique(folds)])
                   for c in range(len(concepts))])
    print(json.dumps({"macro_avg_roc_auc": float(auc),
                      "max_probability_difference": float(np.abs(scores.astype(np.float32) - theirs).max())}))
    """#

    /// The CSV (its rows copied for the program) and its .cfds import (read in place).
    @Test(arguments: ["digits.csv", "digits.cfds"])
    func scikitLearnExampleMatchesCrossValPredictOnTheSameFolds(dataset: String) async throws {
        // Five Python programs and scikit-learn's own cross validation: one such test at a time.
        try await ExclusiveTests.run { try await matchesCrossValPredict(dataset: dataset) }
    }

    private func matchesCrossValPredict(dataset: String) async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let workspace = try CLIWorkspace()
        var input = Repository.example("digits.csv")
        if dataset.hasSuffix(".cfds") {
            let imported = try await crossfold(["dataset", "import", input, "--output", "digits.cfds"], in: workspace)
            try #require(imported.exitCode == 0, "\(imported)")
            input = workspace.path("digits.cfds")
        }
        let run = try await crossfold([
            "evaluate", input, "--model", "command", "--param", "program=\(Self.example)", "--folds", "5", "--seed", "7",
            "--json", "r.json", "--predictions", "p.csv",
        ], in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let ours = try #require(try readJSON("r.json", in: workspace).number("summary.macro_avg_roc_auc"))
        let request = try JSONSerialization.data(withJSONObject: [
            "dataset": Repository.example("digits.csv"), "predictions": workspace.path("p.csv"), "seed": 7,
        ])
        let oracle = Self.oracle
        let answer = try await PythonOracle.run(oracle, input: String(decoding: request, as: UTF8.self))
        let theirs = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Double] ?? [:]
        let sklearn = try #require(theirs["macro_avg_roc_auc"])
        #expect(abs(ours - sklearn) <= 1e-6, "crossfold \(ours), scikit-learn \(sklearn)")
        #expect(ours > 0.99)
        #expect((theirs["max_probability_difference"] ?? 1) <= 1e-6)
    }

    /// A program that fails one way; `python` ones need numpy.
    struct Failing: CustomTestStringConvertible, Sendable {
        let name: String
        let python: Bool
        let body: String
        let timeout: String
        /// What the evaluation's error must say.
        let says: [String]
        var testDescription: String { name }
    }

    static let failing: [Failing] = [
        Failing(name: "crashing", python: false, body: """
            echo "reading the fold" >&2
            echo "Traceback: ValueError: boom" >&2
            exit 3
            """, timeout: "60", says: ["exited with status 3", "| Traceback: ValueError: boom", "| reading the fold"]),
        Failing(name: "silent", python: false, body: "exit 0", timeout: "60",
                says: ["exited 0 without writing its scores to $CROSSFOLD_OUTPUT", "its standard error was empty"]),
        Failing(name: "slow", python: false, body: """
            echo "still training" >&2
            sleep 300 &
            echo $! >> "$PIDS"
            wait
            """, timeout: "1", says: ["did not finish within 1 s", "--param timeout=SECONDS", "| still training"]),
        Failing(name: "wrong-shape", python: true, body: """
            import json, sys, numpy as np
            fold = json.load(open(sys.argv[1]))
            np.save(fold["output"], np.zeros((fold["test_count"], 3), dtype=np.float32))
            """, timeout: "60", says: ["x 3 score matrix; the fold needs", "x 10 (one row per test row"]),
        Failing(name: "NaN-writing", python: true, body: """
            import json, sys, numpy as np
            fold = json.load(open(sys.argv[1]))
            print("diverged", file=sys.stderr)
            np.save(fold["output"], np.full((fold["test_count"], len(fold["concepts"])), np.nan, dtype=np.float32))
            """, timeout: "60", says: ["wrote score nan at test row 0, concept column 0", "never NaN", "| diverged"]),
    ]

    @Test(arguments: failing)
    func aFailingProgramFailsTheEvaluationSayingWhyWithNothingLeftBehind(_ program: Failing) async throws {
        // Up to fifteen program runs each (three attempts of five folds): one such test at a time.
        try await ExclusiveTests.run { try await failsSayingWhy(program) }
    }

    private func failsSayingWhy(_ program: Failing) async throws {
        if program.python { try await PythonOracle.require(modules: ["numpy"]) }
        let workspace = try CLIWorkspace()
        // Every run records its fold directory (and the slow one its child's pid) for the checks below.
        let record = "echo \"$CROSSFOLD_FOLD_DIR\" >> \"\(workspace.path("dirs"))\""
        let text = program.python
            ? "#!/bin/sh\n\(record)\nexec \(PythonOracle.interpreter) - \"$@\" <<'PY'\n\(program.body)\nPY\n"
            : "#!/bin/sh\n\(record)\n\(program.body)\n"
        let path = try workspace.write("fit.sh", text)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let run = try await crossfold([
            "evaluate", Repository.example("digits.csv"), "--model", "command", "--param", "program=\(path)",
            "--param", "timeout=\(program.timeout)", "--folds", "5", "--local-workers", "2",
        ], in: workspace, environment: ["PIDS": workspace.path("pids")], timeout: .seconds(120))
        #expect(run.exitCode == 70, "\(run)")
        // The job fails once one fold has failed its three attempts, each retried on another worker.
        #expect(run.standardError.contains("failed 3 times"), "\(run)")
        for phrase in program.says { #expect(run.standardError.contains(phrase), "\(phrase) missing from \(run)") }
        let directories = ((try? workspace.read("dirs")) ?? "").split(separator: "\n").map(String.init)
        #expect(directories.count >= 3)
        for directory in directories { #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) left behind") }
        for pid in ((try? workspace.read("pids")) ?? "").split(separator: "\n").compactMap({ Int32($0) }) {
            #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "process \(pid) of the program outlived the evaluation")
        }
    }

    static func isZombie(_ pid: Int32) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "").contains(") Z ")
    }

    /// A `crossfold worker` started without --allow-command-tasks refuses, and the submitter is told
    /// which flag to start it with, instead of waiting for ever.
    @Test func aWorkerWithoutTheFlagRefusesAndTheErrorSaysWhichFlagAllowsIt() async throws {
        let cluster = try await LocalCluster.start()
        let worker = try cluster.startWorker(name: "plain")
        defer { worker.terminate() }
        let run = try await cluster.run([
            "submit", Repository.example("iris.jsonl"), "--model", "command", "--param", "program=\(Self.example)",
            "--folds", "3", "--wait",
        ] + cluster.client, timeout: .seconds(90))
        #expect(run.exitCode == 70, "\(run)")
        #expect(run.standardError.contains("worker "), "\(run)")
        #expect(run.standardError.contains("refuses --model command tasks"), "\(run)")
        #expect(run.standardError.contains("crossfold worker --allow-command-tasks"), "\(run)")
    }
}
