import Evaluation
import Foundation
import Testing
import TestSupport

/// `evaluate --nested`: each outer fold is scored with the configuration that the same sweep of
/// that fold's training rows alone chooses, as a separate `evaluate` of those rows says.
@Suite struct NestedSweepTests {
    static let grid = ["--model", "knn:k=5,15", "--model", "logistic:C=1", "--folds", "3", "--seed", "9"]

    /// Heavy (crossfold processes on a digits sweep): one heavy test at a time (`ExclusiveTests`).
    @Test func eachOuterFoldsChoiceIsTheSweepOfItsTrainingRowsAlone() async throws { try await ExclusiveTests.run { try await runEachOuterFoldsChoiceIsTheSweepOfItsTrainingRowsAlone() } }

    private func runEachOuterFoldsChoiceIsTheSweepOfItsTrainingRowsAlone() async throws {
        let workspace = try CLIWorkspace()
        let digits = Repository.example("digits.csv")
        let run = try await crossfold(
            ["evaluate", digits, "--nested", "--local-workers", "2", "--json", "nested.json", "--predictions", "outer.csv"] + Self.grid,
            in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        #expect(run.standardOutput.contains("Nested CV, macro ROC AUC: "), "\(run.standardOutput)")
        let document = try readJSON("nested.json", in: workspace)
        let nested = try #require(document["nested"])
        let folds = try #require(nested["folds"]?.arrayValue)
        #expect(folds.count == 3 && nested["inner_folds"]?.doubleValue == 3)

        // The outer folds, from the outer sweep's predictions; each one's training rows as a CSV.
        let foldOf = Dictionary(uniqueKeysWithValues: try workspace.read("outer.csv").split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",", maxSplits: 2)
            return (String(cells[0]), String(cells[1]))
        })
        let lines = try String(contentsOfFile: digits, encoding: .utf8).split(separator: "\n")
        var scores: [Double] = []
        for (k, fold) in folds.enumerated() {
            let kept = lines.dropFirst().filter { line in foldOf[String(line.prefix { $0 != "," })] != "\(k)" }
            try workspace.write("outer\(k)-training.csv", ([lines[0]] + kept).joined(separator: "\n") + "\n")
            let inner = try await crossfold(
                ["evaluate", "outer\(k)-training.csv", "--local-workers", "2", "--json", "inner\(k).json"] + Self.grid, in: workspace)
            try #require(inner.exitCode == 0, "\(inner)")
            let best = try #require(try readJSON("inner\(k).json", in: workspace)["comparison"]?["rows"]?.arrayValue?.first)
            #expect(fold["label"] == best["label"], "outer fold \(k)")
            #expect(fold["inner_mean"] == best["mean"], "outer fold \(k)")
            // Its outer score is the outer sweep's own fold row for that configuration.
            let chosen = try #require(fold["chosen"]?.doubleValue.map(Int.init))
            let rows = document["configurations"]?.arrayValue?[chosen]["eval_metrics"]?.crossfoldBlock?["folds"]?.arrayValue
            let row = try #require(rows?.first { $0["fold"]?.doubleValue == Double(k) })
            #expect(fold["score"] == row["macro_roc_auc"], "outer fold \(k)")
            scores.append(try #require(fold["score"]?.doubleValue))
        }
        let mean = try #require(nested["mean"]?.doubleValue)
        #expect(abs(mean - scores.reduce(0, +) / 3) < 1e-15)
    }

    @Test(arguments: [
        (["--nested", "--model", "knn"], "--nested selects among a sweep's configurations"),
        (["--nested", "--repeats", "2", "--model", "knn:k=5,15"], "drop --repeats"),
    ])
    func nestedNeedsASweepOfOneRepeat(arguments: [String], message: String) async throws {
        let run = try await crossfold(["evaluate", "missing.csv"] + arguments, in: try CLIWorkspace())
        #expect(run.exitCode == 64 && run.standardError.contains(message), "\(run)")
    }
}
