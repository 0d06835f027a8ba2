import Evaluation
import Foundation
import Testing
import TestSupport

/// The other learners, repeats, holdout, multi-label and JSONL datasets, end to end.
@Suite struct EvaluationModeTests {
    @Test(arguments: ["softmax", "knn", "centroid", "naive-bayes"])
    func learnerEvaluatesDigitsAboveMacroROCAUC095(_ model: String) async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("digits.csv"), "--model", model, "--json", "r.json"],
                                      in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let block = try #require(try readJSON("r.json", in: workspace).crossfoldBlock)
        #expect(block.at("run.model")?.stringValue == model)
        let auc = try #require(block.number("summary.macro_roc_auc.mean"))
        #expect(auc > 0.95, "\(model): macro ROC AUC \(auc)")
        #expect(tableRows(run.standardOutput, concepts: (0...9).map(String.init)).count == 10, "\(run)")
        // centroid's default temperature leaves most scores under 0.5: the table says so and what to try.
        #expect(run.standardOutput.contains("Note: only ") == (model == "centroid"), "\(run)")
        if model == "centroid" { #expect(run.standardOutput.contains("--param temperature"), "\(run)") }
    }

    @Test func repeatsWriteARepeatColumnAndOneRowPerInputPerRepeat() async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(
            ["evaluate", Repository.example("digits.csv"), "--repeats", "2", "--predictions", "p.csv", "--json", "r.json"],
            in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let lines = try workspace.read("p.csv").split(separator: "\n").map(String.init)
        #expect(lines.first == "id,repeat,fold," + (0...9).map(String.init).joined(separator: ","))
        let rows = lines.dropFirst().map { $0.split(separator: ",", maxSplits: 3).map(String.init) }
        #expect(rows.count == 2 * 1797)
        let inputIDs = (0..<1797).map { String(format: "digit-%04d", $0) }
        var foldsByRepeat: [String: [String]] = [:]
        for row in rows { foldsByRepeat[row[1], default: []].append(row[2]) }
        #expect(Set(foldsByRepeat.keys) == ["0", "1"])
        for (repeatIndex, folds) in foldsByRepeat {
            #expect(folds.count == 1797, "repeat \(repeatIndex)")
            #expect(Set(folds) == ["0", "1", "2", "3", "4"], "repeat \(repeatIndex)")
        }
        // Each repeat lists every input once, in input order; the shuffles differ.
        #expect(rows.prefix(1797).map { $0[0] } == inputIDs)
        #expect(rows.suffix(1797).map { $0[0] } == inputIDs)
        #expect(foldsByRepeat["0"] != foldsByRepeat["1"])

        let block = try #require(try readJSON("r.json", in: workspace).crossfoldBlock)
        #expect(block.number("repeat_count") == 2)
        #expect(block["folds"]?.arrayValue?.count == 10)
        #expect(run.standardOutput.contains("5 folds x 2 repeat(s)"), "\(run)")
    }

    @Test func holdoutTrainsOnTheDatasetAndEvaluatesTheHoldoutOnce() async throws {
        let workspace = try CLIWorkspace()
        let lines = try String(contentsOfFile: Repository.example("digits.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let header = lines[0]
        let body = lines.dropFirst().enumerated()
        try workspace.write("train.csv", ([header] + body.filter { $0.offset % 4 != 0 }.map(\.element)).joined(separator: "\n") + "\n")
        try workspace.write("test.csv", ([header] + body.filter { $0.offset % 4 == 0 }.map(\.element)).joined(separator: "\n") + "\n")

        let run = try await crossfold(
            ["evaluate", "train.csv", "--holdout", "test.csv", "--json", "r.json", "--predictions", "p.csv"], in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let json = try readJSON("r.json", in: workspace)
        #expect(json["eval_info"]?["params"]?["use_kfold"] == .bool(false))
        let block = try #require(json.crossfoldBlock)
        #expect(block["mode"]?.stringValue == "holdout")
        #expect(block.number("fold_count") == 1)
        #expect(block["folds"]?.arrayValue?.count == 1)
        #expect(block.at("run.holdout.file")?.stringValue == "test.csv")
        #expect(block.number("run.holdout.rows") == 450)
        #expect(block.number("pooled.num_predictions") == 450)
        #expect(try workspace.read("p.csv").split(separator: "\n").count == 1 + 450)
        #expect(run.standardOutput.contains("holdout evaluation"), "\(run)")
        #expect(try #require(block.number("summary.macro_roc_auc.mean")) > 0.99)
        // Holdout words, not fold words: the table, and one warning for the holdout's small concepts.
        #expect(run.standardOutput.contains("the holdout's predictions at the threshold"), "\(run)")
        #expect(!run.standardOutput.contains("out-of-fold") && !run.standardOutput.contains("pooled"), "\(run)")
        #expect(!run.standardError.contains("fold to fold"), "\(run)")
        let warnings = run.standardErrorLines.filter { $0.contains("few-inputs-per-concept") }
        #expect(warnings.count == 1, "\(run)")
        #expect(warnings.first?.contains("test.csv (the holdout): 9 concepts have fewer than 50 positive inputs (0: 44, ") == true,
                "\(run)")
    }

    @Test(arguments: [["--folds", "7"], ["--repeats", "2"], ["--split", "random"]])
    func foldOptionsWithAHoldoutAreAUsageError(_ option: [String]) async throws {
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--holdout", Repository.example("iris.jsonl")]
                                      + option, in: try CLIWorkspace())
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains("\(option[0]) does not apply with --holdout"), "\(run)")
    }

    @Test func multiLabelDatasetUsesTheMultilabelSplitByDefault() async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("digits-attributes.csv"), "--json", "r.json"],
                                      in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let block = try #require(try readJSON("r.json", in: workspace).crossfoldBlock)
        #expect(block.at("run.split")?.stringValue == "multilabel")
        let concepts = ["even", "greater-than-4", "loop", "prime"]
        let table = tableRows(run.standardOutput, concepts: concepts)
        #expect(table.keys.sorted() == concepts, "\(run)")
        // Total Labeled is each concept's positive count: 891, 896, 713, 721.
        #expect(concepts.map { table[$0]?.first } == [891, 896, 713, 721])
        #expect(try #require(block.number("summary.macro_roc_auc.mean")) > 0.95)
    }

    @Test func clarifaiInputsInJSONLEvaluate() async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--json", "r.json"], in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let table = tableRows(run.standardOutput, concepts: ["setosa", "versicolor", "virginica"])
        #expect(table.mapValues { $0.first } == ["setosa": 50, "versicolor": 50, "virginica": 50], "\(run)")
        let block = try #require(try readJSON("r.json", in: workspace).crossfoldBlock)
        #expect(block.at("run.split")?.stringValue == "stratified")
        #expect(block.number("run.dataset.rows") == 150)
    }
}
