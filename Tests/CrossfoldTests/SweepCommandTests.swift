import Evaluation
import Foundation
import Testing
import TestSupport

/// Issue 17's "Done when": a sweep of several models and parameter values on digits prints the
/// comparison table, its JSON holds every configuration's EvalMetrics (each what a single run of it
/// gives), and the same sweep on a running cluster (`submit --wait`) gives the same numbers.
@Suite struct SweepCommandTests {
    static let grid = ["--model", "logistic:C=0.1,1", "--model", "knn:k=5,15"]
    /// The grid's configurations as single runs, in sweep order.
    static let singles: [(label: String, arguments: [String])] = [
        ("logistic C=0.1", ["--model", "logistic", "--param", "C=0.1"]),
        ("logistic C=1", ["--model", "logistic", "--param", "C=1"]),
        ("knn k=5", ["--model", "knn", "--param", "k=5"]),
        ("knn k=15", ["--model", "knn", "--param", "k=15"]),
    ]

    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func everyConfigurationOfADigitsSweepIsItsSingleRunBitForBit() async throws { try await ExclusiveTests.run { try await runEveryConfigurationOfADigitsSweepIsItsSingleRunBitForBit() } }

    private func runEveryConfigurationOfADigitsSweepIsItsSingleRunBitForBit() async throws {
        let workspace = try CLIWorkspace()
        let digits = Repository.example("digits.csv")
        let sweep = try await crossfold(
            ["evaluate", digits, "--seed", "7", "--local-workers", "2", "--json", "sweep.json", "--predictions", "best.csv"]
                + Self.grid, in: workspace)
        try #require(sweep.exitCode == 0, "\(sweep)")
        let document = try readJSON("sweep.json", in: workspace)
        let configurations = try #require(document["configurations"]?.arrayValue)
        #expect(configurations.map { $0["model"]?.stringValue } == ["logistic", "logistic", "knn", "knn"])
        for (index, single) in Self.singles.enumerated() {
            let run = try await crossfold(
                ["evaluate", digits, "--seed", "7", "--local-workers", "2", "--json", "single\(index).json",
                 "--predictions", "single\(index).csv"] + single.arguments, in: workspace)
            try #require(run.exitCode == 0, "\(run)")
            let alone = try readJSON("single\(index).json", in: workspace)
            let inSweep = try #require(configurations[index]["eval_metrics"])
            #expect(inSweep["id"] == alone["id"], "\(single.label): the evaluation id is the single run's")
            #expect(inSweep.removingKeys(provenanceKeys) == alone.removingKeys(provenanceKeys), "\(single.label)")
        }
        // The table: every configuration, the best marked, the others with a p-value.
        let comparison = try #require(document["comparison"])
        let best = try #require(comparison["best"]?.doubleValue.map(Int.init))
        #expect(comparison["metric"]?.stringValue == "roc-auc")
        let lines = sweep.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("macro ROC AUC") == true, "\(sweep.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("*  \(Self.singles[best].label) ") }, "\(sweep.standardOutput)")
        #expect(lines.filter { $0.hasPrefix("   ") && $0.contains("/5") }.count == 3, "\(sweep.standardOutput)")
        // --predictions: the best configuration's, as its single run writes them.
        #expect(try workspace.data("best.csv") == workspace.data("single\(best).csv"))
    }

    /// The t statistic and p-value of every paired comparison are scipy's on the same per-fold
    /// scores (read from the configurations' fold rows), with the same n_test/n_train.
    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func theSweepsPairedTestsAreScipysOnTheSamePerFoldScores() async throws { try await ExclusiveTests.run { try await runTheSweepsPairedTestsAreScipysOnTheSamePerFoldScores() } }

    private func runTheSweepsPairedTestsAreScipysOnTheSamePerFoldScores() async throws {
        try await PythonOracle.require(modules: ["scipy", "numpy"])
        let workspace = try CLIWorkspace()
        let run = try await crossfold(
            ["evaluate", Repository.example("digits.csv"), "--seed", "3", "--folds", "4", "--repeats", "2",
             "--local-workers", "2", "--select", "f1", "--json", "sweep.json", "--model", "knn:k=3,9,27", "--model", "centroid"],
            in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let script = #"""
        import sys, json
        import numpy as np
        from scipy import stats
        doc = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "sweep.json"))
        comparison = doc["comparison"]
        field = comparison["field"]
        def scores(i):
            folds = doc["configurations"][i]["eval_metrics"]["extended_metrics"]["user_metrics"]["crossfold"]["folds"]
            return {(f["repeat"], f["fold"]): f[field] for f in folds}
        best = scores(comparison["best"])
        out = {}
        for row in comparison["rows"]:
            if row["best"]: continue
            mine = scores(row["configuration"])
            keys = sorted(mine)
            d = np.array([mine[k] - best[k] for k in keys])
            J = len(d)
            t = d.mean() / np.sqrt((1 / J + comparison["test_train_ratio"]) * d.var(ddof=1))
            out[str(row["configuration"])] = {"t": float(t), "p": float(2 * stats.t.sf(abs(t), J - 1)), "J": J,
                                               "wins": int((d > 0).sum())}
        print(json.dumps(out))
        """#
        let oracle = try JSONDecoder().decode(
            [String: OracleTest].self,
            from: await PythonOracle.run(script: "import os; os.chdir(\(String(reflecting: workspace.url.path)))\n" + script))
        let rows = try #require(readJSON("sweep.json", in: workspace)["comparison"]?["rows"]?.arrayValue)
        #expect(rows.count == 4)
        var compared = 0
        for row in rows where row["best"] != .bool(true) {
            let index = try #require(row["configuration"]?.doubleValue.map { String(Int($0)) })
            let expected = try #require(oracle[index])
            let paired = try #require(row["versus_best"])
            let t = try #require(paired["t"]?.doubleValue)
            let p = try #require(paired["p_value"]?.doubleValue)
            #expect(abs(t - expected.t) <= 1e-12 * max(1, abs(expected.t)), "t of \(index): \(t) vs scipy \(expected.t)")
            #expect(abs(p - expected.p) <= 1e-12 + 1e-9 * expected.p, "p of \(index): \(p) vs scipy \(expected.p)")
            #expect(paired["degrees_of_freedom"]?.doubleValue == Double(expected.J - 1))
            #expect(paired["wins"]?.doubleValue == Double(expected.wins))
            compared += 1
        }
        #expect(compared == 3)
    }

    struct OracleTest: Decodable {
        let t: Double
        let p: Double
        let J: Int
        let wins: Int
    }

    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func theSameSweepOnARunningClusterGivesTheSameNumbers() async throws { try await ExclusiveTests.run { try await runTheSameSweepOnARunningClusterGivesTheSameNumbers() } }

    private func runTheSameSweepOnARunningClusterGivesTheSameNumbers() async throws {
        let cluster = try await LocalCluster.start()
        let workers = try ["w1", "w2"].map { try cluster.startWorker(name: $0) }
        defer { workers.forEach { $0.terminate() } }
        let digits = Repository.example("digits.csv")
        let embedded = try await cluster.run(["evaluate", digits, "--seed", "7", "--json", "embedded.json"] + Self.grid)
        try #require(embedded.exitCode == 0, "\(embedded)")
        let submitted = try await cluster.run(["submit", digits, "--seed", "7", "--wait", "--json", "cluster.json"]
            + Self.grid + cluster.client)
        try #require(submitted.exitCode == 0, "\(submitted)")
        let job = try #require(submitted.standardOutput.split(separator: "\n").first.map(String.init))
        #expect(try readJSON("cluster.json", in: cluster.workspace).removingKeys(provenanceKeys)
                == readJSON("embedded.json", in: cluster.workspace).removingKeys(provenanceKeys))
        #expect(submitted.standardOutput.hasSuffix(embedded.standardOutput), "the same table")
        // One job, with its configuration count.
        let status = try await cluster.run(["status", job] + cluster.client)
        #expect(status.standardOutput.hasPrefix("job \(job): completed, sweep of 4 configurations, 20/20 folds done"), "\(status)")
        let jobs = try await cluster.run(["jobs"] + cluster.client)
        #expect(jobs.standardOutput.contains("sweep×4"), "\(jobs)")
        // results with another --select: the same configurations, compared by F1.
        let byF1 = try await cluster.run(["results", job, "--select", "f1", "--json", "f1.json"] + cluster.client)
        try #require(byF1.exitCode == 0, "\(byF1)")
        #expect(byF1.standardOutput.hasPrefix("   Configuration") || byF1.standardOutput.contains("macro F1"), "\(byF1)")
        #expect(try readJSON("f1.json", in: cluster.workspace)["comparison"]?["field"]?.stringValue == "macro_f1")
    }

    /// Same seed, same sweep, whatever the number of workers: centroid and naive-bayes configurations
    /// (fitted from one pass's per-fold sums, per configuration) and knn, with repeats.
    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func aSweepGivesIdenticalResultsOnOneAndThreeWorkers() async throws { try await ExclusiveTests.run { try await runASweepGivesIdenticalResultsOnOneAndThreeWorkers() } }

    private func runASweepGivesIdenticalResultsOnOneAndThreeWorkers() async throws {
        let workspace = try CLIWorkspace()
        var outputs: [String] = []
        for workers in [1, 3] {
            let run = try await crossfold(
                ["evaluate", Repository.example("iris.jsonl"), "--seed", "5", "--repeats", "2", "--local-workers", "\(workers)",
                 "--json", "r\(workers).json", "--predictions", "p\(workers).csv", "--all-configurations",
                 "--model", "centroid:temperature=0.05,0.5", "--model", "naive-bayes", "--model", "knn:k=3,7"],
                in: workspace)
            try #require(run.exitCode == 0, "\(run)")
            outputs.append(run.standardOutput)
        }
        let one = try readJSON("r1.json", in: workspace)
        #expect(one["configurations"]?.arrayValue?.count == 5)
        #expect(one.removingKeys(provenanceKeys) == (try readJSON("r3.json", in: workspace)).removingKeys(provenanceKeys))
        #expect(try workspace.data("p1.csv") == workspace.data("p3.csv"))
        #expect(outputs[0] == outputs[1])
        let csv = try workspace.read("p1.csv").split(separator: "\n")
        #expect(csv.first?.hasPrefix("configuration,id,repeat,fold,") == true, "\(csv.first ?? "")")
        #expect(csv.count == 1 + 5 * 2 * 150, "every configuration's rows of both repeats")
        #expect(csv.contains { $0.hasPrefix("knn k=7,") })
    }

    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func aSweepIsOneJobToFollowAndToCancel() async throws { try await ExclusiveTests.run { try await runASweepIsOneJobToFollowAndToCancel() } }

    private func runASweepIsOneJobToFollowAndToCancel() async throws {
        let cluster = try await LocalCluster.start()
        let job = try await cluster.submit([Repository.example("iris.jsonl"), "--folds", "3"] + Self.grid)
        let status = try await cluster.run(["status", job] + cluster.client)
        #expect(status.standardOutput.contains("sweep of 4 configurations, 0/12 folds done"), "\(status)")
        let cancel = try await cluster.run(["cancel", job] + cluster.client)
        #expect(cancel.exitCode == 0 && cancel.standardOutput == "cancelled \(job)\n", "\(cancel)")
        let results = try await cluster.run(["results", job] + cluster.client)
        #expect(results.exitCode == 70, "\(results)")
    }

    /// Mistakes of the first hour: each is a usage error (exit 64) that says what to write, before
    /// the dataset is even read.
    @Test(arguments: [
        (["--model", "logistic:C="], "gives C an empty value; list its values after '=', separated by commas"),
        (["--model", "logistic:C"], "'C' is not KEY=V1,V2,...; separate parameters with ':'"),
        (["--model", "logistic:gamma=1,2"], "--model logistic:gamma=1,2: "),
        (["--model", "forest:depth=3,5"], "--model forest:depth=3,5: "),
        (["--model", "knn:k=5,5"], "configuration 'knn k=5' appears twice in the grid"),
        (["--model", "knn:k=5", "--model", "knn:k=5"], "configuration 'knn k=5' appears twice in the grid"),
        (["--model", "knn", "--model", "logistic", "--param", "C=2"], "--param applies to a single --model"),
        (["--model", "knn:k=\((1...40).map(String.init).joined(separator: ",")):weights=uniform,distance", "--model",
          "logistic:C=\((1...40).map(String.init).joined(separator: ",")):max_iter=\((1...30).map(String.init).joined(separator: ","))"],
         "the grid has 1280 configurations; a sweep may have at most 1000"),
        (["--model", "knn:k=1,2", "--folds", "9223372036854775807", "--repeats", "2"],
         "the grid's 2 configurations × more folds × repeats than can be counted make too many tasks"),
        (["--model", "knn:k=5,15", "--holdout", "other.csv"], "drop --holdout"),
        (["--model", "knn:k=5,15", "--fallback", "clarifai"], "drop --fallback, or compare Clarifai's evaluations"),
        (["--model", "knn:k=5,15", "--select", "accuracy"], "--select accuracy is not a metric a sweep can compare by"),
    ])
    func aMalformedGridIsAUsageErrorThatSaysWhatToDo(arguments: [String], message: String) async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "missing.csv"] + arguments, in: workspace)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!run.standardError.contains("missing.csv"), "refused before the dataset is read: \(run.standardError)")
    }
}
