import Evaluation
import Foundation
import Testing
import TestSupport

/// `crossfold dataset inspect` and `dataset import`, and what an imported dataset evaluates to.
@Suite struct DatasetCommandTests {
    /// The `sha256` line of `dataset inspect`.
    static func hash(_ inspect: String) -> String? {
        inspect.split(separator: "\n").first { $0.hasPrefix("sha256") }?.split(separator: " ").last.map(String.init)
    }

    /// The concept lines of `dataset inspect`: concept and positive count.
    static func conceptCounts(_ inspect: String, _ concepts: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in inspect.split(separator: "\n") {
            let cells = line.split(separator: " ")
            if cells.count == 2, concepts.contains(String(cells[0])), let count = Int(cells[1]) { counts[String(cells[0])] = count }
        }
        return counts
    }

    @Test func inspectWarnsAboutAConceptUnderFifty() async throws {
        // scikit-learn's wine: 59, 71 and 48 inputs per class.
        let workspace = try CLIWorkspace()
        let file = try await exportScikitLearnDataset("wine", to: workspace)
        let run = try await crossfold(["dataset", "inspect", file], in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        let text = run.standardOutput
        #expect(text.contains("rows      178\n"), "\(run)")
        #expect(text.contains("features  13\n"), "\(run)")
        #expect(text.contains("concepts  3, exclusive"), "\(run)")
        #expect(Self.conceptCounts(text, ["class_0", "class_1", "class_2"]) == ["class_0": 59, "class_1": 71, "class_2": 48])
        #expect(Self.hash(text)?.count == 64, "\(run)")
        let warnings = text.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1, "\(run)")
        #expect(warnings.first?.contains("concept \"class_2\" has 48 positive inputs; Clarifai recommends at least 50") == true)
    }

    @Test func inspectOfIrisHasNoWarning() async throws {
        let run = try await crossfold(["dataset", "inspect", Repository.example("iris.jsonl")], in: try CLIWorkspace())
        try #require(run.exitCode == 0, "\(run)")
        #expect(run.standardOutput.contains("rows      150\n"), "\(run)")
        #expect(run.standardOutput.contains("features  4\n"), "\(run)")
        #expect(Self.conceptCounts(run.standardOutput, ["setosa", "versicolor", "virginica"])
            == ["setosa": 50, "versicolor": 50, "virginica": 50])
        #expect(!run.standardOutput.contains("warning"), "\(run)")
        #expect(Self.hash(run.standardOutput)?.count == 64)
    }

    @Test func importedDatasetEvaluatesExactlyAsItsCSV() async throws {
        let workspace = try CLIWorkspace()
        let csv = Repository.example("digits.csv")
        let inspect = try await crossfold(["dataset", "inspect", csv], in: workspace)
        let imported = try await crossfold(["dataset", "import", csv, "--output", "digits.cfds"], in: workspace)
        try #require(inspect.exitCode == 0 && imported.exitCode == 0, "\(inspect)\n\(imported)")
        let hash = try #require(Self.hash(inspect.standardOutput))
        #expect(imported.standardOutput == "digits.cfds  sha256 \(hash)\n")
        let reinspect = try await crossfold(["dataset", "inspect", "digits.cfds"], in: workspace)
        #expect(Self.hash(reinspect.standardOutput) == hash, "\(reinspect)")

        let options = ["--folds", "4", "--seed", "3"]
        let fromCSV = try await crossfold(["evaluate", csv, "--json", "csv.json", "--predictions", "csv.p.csv"] + options,
                                          in: workspace)
        let fromCFDS = try await crossfold(["evaluate", "digits.cfds", "--json", "cfds.json", "--predictions", "cfds.p.csv"] + options,
                                           in: workspace)
        try #require(fromCSV.exitCode == 0 && fromCFDS.exitCode == 0, "\(fromCSV)\n\(fromCFDS)")
        let csvJSON = try readJSON("csv.json", in: workspace)
        let cfdsJSON = try readJSON("cfds.json", in: workspace)
        #expect(csvJSON.crossfoldBlock?.at("run.dataset.sha256")?.stringValue == hash)
        #expect(cfdsJSON.crossfoldBlock?.at("run.dataset.sha256")?.stringValue == hash)
        // Equal but for provenance: the workers, their durations, the wall time and the file name.
        #expect(csvJSON.removingKeys(provenanceKeys.union(["file"])) == cfdsJSON.removingKeys(provenanceKeys.union(["file"])))
        #expect(try workspace.data("csv.p.csv") == workspace.data("cfds.p.csv"))
        #expect(fromCSV.standardOutput == fromCFDS.standardOutput)
    }
}

/// `dataset import` and `dataset synth` write the canonical binary form only under a `.cfds` name,
/// and check `-o` before any work.
@Suite struct DatasetOutputTests {
    @Test(arguments: [
        (["synth", "--rows", "100", "-o", "tiny.csv"], "name the file tiny.cfds"),
        (["import", Repository.example("iris.jsonl"), "-o", "iris2.csv"], "name the file iris2.cfds"),
        (["import", Repository.example("iris.jsonl"), "-o", "out/.cfds"], "name the file out/NAME.cfds"),
        (["synth", "--rows", "100", "-o", "-"], "not to standard output; name a .cfds file"),
    ])
    func outputWithoutTheCfdsExtensionIsAUsageError(_ arguments: [String], _ advice: String) async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["dataset"] + arguments, in: workspace)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains("writes crossfold's canonical binary form"), "\(run)")
        #expect(run.standardError.contains(advice), "\(run)")
        #expect(workspace.files().isEmpty, "\(run)")
    }

    @Test(arguments: [["synth", "--rows", "100"], ["import", Repository.example("iris.jsonl")]])
    func unwritableOutputExits73(_ arguments: [String]) async throws {
        let workspace = try CLIWorkspace()
        for output in ["missing/d.cfds", "/proc/d.cfds"] {
            let run = try await crossfold(["dataset"] + arguments + ["-o", output], in: workspace)
            #expect(run.exitCode == 73, "\(run)")
            #expect(run.standardError.contains("cannot write \(output) (-o)"), "\(run)")
        }
    }

    /// With more than ten concepts the ids are zero-padded, so their order is the canonical one
    /// (`concept-10` sorted before `concept-2` made files a reader refused).
    @Test(arguments: [3, 12, 150])
    func synthesisedDatasetReadsBack(concepts: Int) async throws {
        try await ExclusiveTests.run { try await synthesisedReadsBack(concepts: concepts) }
    }

    private func synthesisedReadsBack(concepts: Int) async throws {
        let workspace = try CLIWorkspace()
        let synth = try await crossfold(
            ["dataset", "synth", "--rows", String(concepts * 10), "--features", "4", "--concepts", String(concepts), "-o", "t.cfds"],
            in: workspace)
        try #require(synth.exitCode == 0, "\(synth)")
        let inspect = try await crossfold(["dataset", "inspect", "t.cfds"], in: workspace)
        #expect(inspect.exitCode == 0, "\(inspect)")
        #expect(inspect.standardOutput.contains("rows      \(concepts * 10)\n"), "\(inspect)")
        let evaluate = try await crossfold(["evaluate", "t.cfds", "--model", "centroid", "--folds", "2"], in: workspace)
        #expect(evaluate.exitCode == 0, "\(evaluate)")
    }
}
