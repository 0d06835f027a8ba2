import Evaluation
import Foundation
import JSON
import Testing
import TestSupport

/// `--json`, `--predictions` and `--html` of every command that writes results: one-character names and `-`
/// work, and files that cannot be written are refused before any work.
@Suite struct OutputOptionsTests {
    /// `--predictions=-x`: a separate `-x` would be read as an option, as with any ArgumentParser tool.
    @Test(arguments: [(["--json", "x"], ["x"]), (["--predictions", "p"], ["p"]), (["--json", "x", "--predictions=-x"], ["x", "-x"]),
                      (["--html", "h"], ["h"])])
    func oneCharacterNamesAreWritten(_ options: [String], _ files: [String]) async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl")] + options, in: workspace)
        #expect(run.exitCode == 0, "\(run)")
        for name in files { #expect(workspace.exists(name), "\(name): \(run)") }
    }

    @Test func dashWritesTheJSONToStandardOutputAndTheTableToStandardError() async throws {
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--json", "-"], in: try CLIWorkspace())
        try #require(run.exitCode == 0, "\(run)")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(run.standardOutput.utf8))
        #expect(json.crossfoldBlock != nil)
        #expect(run.standardError.contains("Macro ROC AUC"), "\(run)")
    }

    @Test func dashWritesThePredictionsToStandardOutput() async throws {
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--predictions", "-"],
                                      in: try CLIWorkspace())
        try #require(run.exitCode == 0, "\(run)")
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.first == "id,fold,setosa,versicolor,virginica", "\(run)")
        #expect(lines.count == 151)
    }

    @Test func dashWritesTheReportToStandardOutput() async throws {
        let run = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--html", "-"], in: try CLIWorkspace())
        try #require(run.exitCode == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("<!doctype html>"), "\(run)")
        #expect(run.standardOutput.hasSuffix("</html>\n"))
        #expect(run.standardError.contains("Macro ROC AUC"), "\(run)")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let options: [String]
        let code: Int32
        let message: String
        var testDescription: String { options.joined(separator: " ") }
    }

    static let refusals: [Refusal] = [
        Refusal(options: ["--json", "docs"], code: 73, message: "cannot write docs (--json): it is a directory"),
        Refusal(options: ["--predictions", "missing/p.csv"], code: 73,
                message: "directory missing does not exist; create it first (mkdir -p missing)"),
        Refusal(options: ["--json", "/proc/r.json"], code: 73, message: "cannot create files in /proc"),
        Refusal(options: ["--json", ""], code: 64, message: "--json needs a file name"),
        Refusal(options: ["--json", "-", "--predictions", "-"], code: 64, message: "both write to standard output"),
        Refusal(options: ["--json", "same", "--predictions", "same"], code: 64, message: "both write to same"),
        Refusal(options: ["--html", "docs"], code: 73, message: "cannot write docs (--html): it is a directory"),
        Refusal(options: ["--html", "missing/r.html"], code: 73,
                message: "directory missing does not exist; create it first (mkdir -p missing)"),
        Refusal(options: ["--predictions", "-", "--html", "-"], code: 64, message: "--predictions and --html both write to standard output"),
        Refusal(options: ["--json", "r", "--html", "r"], code: 64, message: "--json and --html both write to r"),
    ]

    /// digits takes seconds to evaluate; a refusal comes before any of it (no progress line, no table).
    @Test(arguments: refusals)
    func unwritableOutputIsRefusedBeforeAnyWork(_ refusal: Refusal) async throws {
        let workspace = try CLIWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.path("docs"), withIntermediateDirectories: true)
        let run = try await crossfold(["evaluate", Repository.example("digits.csv")] + refusal.options, in: workspace)
        #expect(run.exitCode == refusal.code, "\(run)")
        #expect(run.standardError.contains(refusal.message), "\(run)")
        #expect(!run.standardError.contains("progress"), "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
    }

    @Test func submitWaitResultsAndWatchTakeOneCharacterNames() async throws {
        let cluster = try await LocalCluster.start()
        let worker = try cluster.startWorker(name: "w1")
        defer { worker.terminate() }
        let submitted = try await cluster.run(
            ["submit", Repository.example("iris.jsonl"), "--wait", "--json", "a", "--predictions", "b"] + cluster.client)
        try #require(submitted.exitCode == 0, "\(submitted)")
        let job = try #require(submitted.standardOutput.split(separator: "\n").first.map(String.init))
        let results = try await cluster.run(["results", job, "--json", "c", "--predictions", "-", "--html", "e"] + cluster.client)
        #expect(results.exitCode == 0, "\(results)")
        #expect(results.standardOutput.hasPrefix("id,fold,"), "\(results)")
        let watched = try await cluster.run(["watch", job, "--json", "d", "--html", "f"] + cluster.client)
        #expect(watched.exitCode == 0, "\(watched)")
        for name in ["a", "b", "c", "d", "e", "f"] { #expect(cluster.workspace.exists(name), "\(name)") }
        #expect(try cluster.workspace.data("e") == cluster.workspace.data("f"))
        #expect(try cluster.workspace.data("a") == cluster.workspace.data("c"))

        let refused = try await cluster.run(["results", job, "--json", "/proc/r.json"] + cluster.client)
        #expect(refused.exitCode == 73, "\(refused)")
    }

    /// `submit --wait --json -` printed the job id on standard output ahead of the JSON, so the
    /// output was not JSON (found by docker/test-containers); the id goes to standard error then.
    @Test func submitWaitWithADashLeavesStandardOutputToTheFile() async throws {
        let cluster = try await LocalCluster.start()
        let worker = try cluster.startWorker(name: "w1")
        defer { worker.terminate() }
        let submitted = try await cluster.run(
            ["submit", Repository.example("iris.jsonl"), "--wait", "--json", "-"] + cluster.client)
        try #require(submitted.exitCode == 0, "\(submitted)")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(submitted.standardOutput.utf8))
        #expect(json.crossfoldBlock != nil)
        let lines = submitted.standardError.split(separator: "\n")
        #expect(lines.contains { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "no job id on standard error: \(submitted)")
    }

    @Test func submitWithoutWaitRefusesOutputFiles() async throws {
        let run = try await crossfold(
            ["submit", Repository.example("iris.jsonl"), "--json", "r.json", "--coordinator", "tcp://127.0.0.1:9"],
            in: try CLIWorkspace())
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains("--json, --predictions and --html need --wait"), "\(run)")
    }
}
