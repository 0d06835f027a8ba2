import Evaluation
import Foundation
import JSON
import Testing
import TestSupport

/// The HTML report in headless Chromium (Tests/Browser/check_report.py, through selenium): the
/// digits report written by `evaluate --html` and a Clarifai result written by `clarifai get --html`
/// each load with no console error, change their numbers when the threshold moves, sort, draw a
/// heatmap cell per concept pair and list the inputs behind a cell.
@Suite(.serialized) struct HTMLReportBrowserTests {
    static let checker = Repository.root.appendingPathComponent("Tests/Browser/check_report.py").path

    /// Fails (or, with CROSSFOLD_SKIP_ORACLES=1, skips) without selenium, Chromium or its driver.
    static func requireBrowser() async throws {
        try await PythonOracle.require(modules: ["selenium"])
        let missing = ["/usr/bin/chromium", "/usr/bin/chromedriver"].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        let problem = missing.isEmpty ? nil
            : "\(missing.joined(separator: " and ")) missing: install chromium and chromium-driver (./examples/test-tools.sh)"
        switch PythonOracle.verdict(problem: problem, modules: ["chromium", "chromium-driver"], environment: ProcessInfo.processInfo.environment) {
        case .run: return
        case .skip(let reason): try Test.cancel("\(reason)")
        case .fail(let message): throw PythonOracle.Failure(description: message)
        }
    }

    /// What the checker saw, or a failure with its message. One browser test at a time
    /// (ExclusiveTests), run as the tests run any child (`CLI.run`).
    static func check(_ report: URL, concepts: Int, screenshot: URL, flags: [String] = []) async throws -> JSONValue {
        let run = try await ExclusiveTests.run {
            try await CLI.run(
                executable: URL(fileURLWithPath: "/usr/bin/env"),
                arguments: [PythonOracle.interpreter, checker, report.path, screenshot.path, "--concepts", String(concepts)] + flags,
                timeout: .seconds(600))
        }
        guard run.exitCode == 0 else {
            throw PythonOracle.Failure(description: "check_report.py failed (\(run.exitCode)): \(run.standardError)")
        }
        let line = run.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
    }

    @Test func theDigitsReportWorksInChromium() async throws {
        try await Self.requireBrowser()
        let workspace = try CLIWorkspace()
        let run = try await crossfold(
            ["evaluate", Repository.example("digits.csv"), "--folds", "5", "--seed", "7", "--html", "digits.html"], in: workspace)
        try #require(run.exitCode == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("Concept"), "the table still prints: \(run)")
        let seen = try await Self.check(workspace.url.appendingPathComponent("digits.html"), concepts: 10,
                                  screenshot: workspace.url.appendingPathComponent("digits.png"))
        #expect(seen["heatmap_cells"]?.doubleValue == 100)
        #expect((seen["changed_cells"]?.doubleValue ?? 0) > 0)
        #expect(seen["roc_curves"]?.doubleValue == 10)
        #expect(seen["fold_dots"]?.doubleValue == 50)
        #expect((seen["inputs_behind_first_cell"]?.doubleValue ?? 0) > 0)
        let png = try Data(contentsOf: workspace.url.appendingPathComponent("digits.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
    }

    @Test func aClarifaiResultFromTheFakeServerRendersTheSamePage() async throws {
        try await Self.requireBrowser()
        let server = try FakeClarifaiServer(
            pat: "cfpat\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())", scenario: .immediate)
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", "--remote", "clarifai", "--html", "clarifai.html"],
                                      in: workspace, environment: server.environment(includingPAT: true))
        try #require(run.exitCode == 0, "\(run)")
        let concepts = FakeClassifierResults.concepts.count
        let seen = try await Self.check(workspace.url.appendingPathComponent("clarifai.html"), concepts: concepts,
                                  screenshot: workspace.url.appendingPathComponent("clarifai.png"))
        #expect(seen["heatmap_cells"]?.doubleValue == Double(concepts * concepts))
        #expect(seen["fold_dots"]?.doubleValue == 0)  // Clarifai's result has no per-fold values
        #expect((seen["inputs_behind_first_cell"]?.doubleValue ?? 0) > 0)
    }

    /// A reply with 3-point curves, no confusion matrix and "NaN" fields still opens without an
    /// error: the table and the inputs show, the parts it lacks are left out.
    @Test func aSparseClarifaiReplyStillOpens() async throws {
        try await Self.requireBrowser()
        let server = try FakeClarifaiServer(
            pat: "cfpat\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())",
            scenario: .recorded(RecordedGetEvaluation.body))
        server.addEvaluation(id: RecordedGetEvaluation.evaluationID, inApp: true)
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["clarifai", "get", RecordedGetEvaluation.evaluationID, "--html", "sparse.html"],
                                      in: workspace, environment: server.environment(includingPAT: true))
        try #require(run.exitCode == 0, "\(run)")
        let seen = try await Self.check(workspace.url.appendingPathComponent("sparse.html"), concepts: 2,
                                  screenshot: workspace.url.appendingPathComponent("sparse.png"),
                                  flags: ["--no-heatmap", "--no-curves", "--no-slider"])
        #expect(seen["heatmap_cells"]?.doubleValue == 0 && seen["roc_curves"]?.doubleValue == 0)
    }
}
