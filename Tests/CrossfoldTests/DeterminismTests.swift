import Evaluation
import Foundation
import Testing
import TestSupport

/// Same seed, same result, whatever the number of workers (docs/ARCHITECTURE.md, The life of a job).
@Suite struct DeterminismTests {
    @Test func oneWorkerAndThreeWorkersGiveIdenticalResults() async throws {
        let workspace = try CLIWorkspace()
        var outputs: [String] = []
        for workers in [1, 3] {
            let run = try await crossfold(
                ["evaluate", Repository.example("digits.csv"), "--seed", "11", "--local-workers", "\(workers)",
                 "--json", "r\(workers).json", "--predictions", "p\(workers).csv"],
                in: workspace)
            try #require(run.exitCode == 0, "\(run)")
            outputs.append(run.standardOutput)
        }
        let one = try readJSON("r1.json", in: workspace)
        let three = try readJSON("r3.json", in: workspace)
        #expect(one.crossfoldBlock?.at("run.seed")?.stringValue == "11")
        #expect(one.removingKeys(provenanceKeys) == three.removingKeys(provenanceKeys))
        #expect(try workspace.data("p1.csv") == workspace.data("p3.csv"))
        #expect(outputs[0] == outputs[1])
        // Provenance is there to be ignored: one worker ran every fold of the first run.
        let workers = Set(one.crossfoldBlock?["folds"]?.arrayValue?.compactMap { $0["worker"]?.stringValue } ?? [])
        #expect(workers.count == 1, "\(workers)")
    }
}
