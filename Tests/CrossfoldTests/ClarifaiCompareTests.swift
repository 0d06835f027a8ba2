import Evaluation
import Foundation
import Testing
import TestSupport

/// `crossfold clarifai compare ID...`: Clarifai's evaluations in a sweep's table, best first by
/// `--select`, with no paired test (Clarifai keeps no per-fold scores).
@Suite struct ClarifaiCompareTests {
    @Test func evaluationsAreComparedInOneTableWithoutAPairedTest() async throws {
        let server = try ClarifaiCommandTests.server(.immediate)
        server.addEvaluation(id: "eval-a")
        server.addEvaluation(id: "eval-b")
        let workspace = try CLIWorkspace()
        let environment = ClarifaiCommandTests.environment(server)
        let run = try await crossfold(["clarifai", "compare", "eval-a", "eval-b", "--select", "f1"], in: workspace,
                                      environment: environment)
        try #require(run.exitCode == 0, "\(run)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("macro F1") == true, "\(run.standardOutput)")
        // The fake's evaluations score alike: a tie goes to the first given.
        #expect(lines.contains { $0.hasPrefix("*  eval-a") && $0.contains("best") }, "\(run.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("   eval-b") && $0.contains("+0.0000  -  -") && $0.hasSuffix(" -") }, "\(run.standardOutput)")
        #expect(run.standardOutput.contains("No paired test: Clarifai's results have no per-fold scores"), "\(run.standardOutput)")

        let missing = try await crossfold(["clarifai", "compare", "eval-a", "eval-nobody-made"], in: workspace, environment: environment)
        #expect(missing.exitCode == 70, "\(missing)")
        let one = try await crossfold(["clarifai", "compare", "eval-a"], in: workspace, environment: environment)
        #expect(one.exitCode == 64 && one.standardError.contains("give at least two evaluation ids"), "\(one)")
        ClarifaiCommandTests.expectNoSecret([server.pat], in: [run, missing, one], workspace: workspace)
    }

    @Test func summariesAreOrderedByTheirMeanUndefinedLast() throws {
        func result(auc: Double?, std: Double?) -> EvalMetrics {
            var metrics = EvalMetrics()
            metrics.summary = MetricsSummary()
            metrics.summary?.macroAvgRocAuc = auc
            metrics.summary?.macroStdRocAuc = std
            return metrics
        }
        let comparison = try #require(SweepComparison(
            labels: ["a", "b", "c", "d"],
            summaries: [result(auc: 0.9, std: 0.01), result(auc: .nan, std: nil), result(auc: 0.95, std: 0.02), result(auc: 0.9, std: nil)],
            metric: .rocAUC))
        #expect(comparison.rows.map(\.label) == ["c", "a", "d", "b"])
        #expect(comparison.best == 2 && comparison.rows[0].best && comparison.rows[0].std == 0.02)
        #expect(comparison.rows.allSatisfy { $0.versusBest == nil } && comparison.testTrainRatio == nil)
        #expect(comparison.rows[3].mean == nil, "NaN reads as undefined")
    }
}
