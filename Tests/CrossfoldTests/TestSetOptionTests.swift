import Evaluation
import Foundation
import Testing
import TestSupport

/// `--test-set`: the result's per-input `test_set`, one split's (Clarifai's) or every input's.
@Suite struct TestSetOptionTests {
    static let arguments = ["evaluate", Repository.example("digits.csv"), "--model", "centroid", "--folds", "5", "--seed", "7"]

    @Test func oneSplitByDefaultAndEveryInputOnRequest() async throws {
        // Three evaluations of digits: not beside the other heavy tests (ExclusiveTests).
        try await ExclusiveTests.run { try await oneSplitOrEveryInput() }
    }

    private func oneSplitOrEveryInput() async throws {
        let workspace = try CLIWorkspace()
        let split = try await crossfold(Self.arguments + ["--json", "split.json", "--predictions", "p.csv"], in: workspace)
        try #require(split.exitCode == 0, "\(split)")
        let all = try await crossfold(Self.arguments + ["--json", "all.json", "--test-set", "all"], in: workspace)
        try #require(all.exitCode == 0, "\(all)")

        // The predictions CSV says which fold held each input out, and with what scores.
        let lines = try workspace.read("p.csv").split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: ",").map(String.init) }
        let firstFold = rows.filter { $0[1] == "0" }.map { $0[0] }

        let entries = try readJSON("split.json", in: workspace)["test_set"]?.arrayValue ?? []
        #expect(entries.compactMap { $0["input"]?["id"]?.stringValue } == firstFold)
        let everyInput = try readJSON("all.json", in: workspace)["test_set"]?.arrayValue ?? []
        #expect(everyInput.compactMap { $0["input"]?["id"]?.stringValue } == rows.map { $0[0] })

        // An entry: every concept's probability, highest first, and the input's true concept.
        let first = try #require(everyInput.first)
        let predicted = first["predicted_concepts"]?.arrayValue ?? []
        #expect(predicted.count == 10)
        let values = predicted.compactMap { $0["value"]?.doubleValue }
        #expect(values == values.sorted(by: >))
        let truth = first["ground_truth_concepts"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(truth?.count == 1)
        let scores = rows[0].dropFirst(2).compactMap(Float.init)
        let top = scores.indices.max { scores[$0] < scores[$1] }.map(String.init)
        #expect(predicted.first?["id"]?.stringValue == top)
    }

    @Test func anUnknownScopeIsAUsageError() async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(Self.arguments + ["--test-set", "some"], in: workspace)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains("--test-set some is not split or all"), "\(run)")
    }
}
