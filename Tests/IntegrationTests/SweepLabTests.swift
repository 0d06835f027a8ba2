import Foundation
import Testing
import TestSupport

/// A sweep submitted across namespace hosts (issue 17's "the same sweep submitted to a lab cluster
/// gives the same numbers"): the comparison and every configuration's metrics are the embedded
/// sweep's, provenance aside.
@Suite(.serialized)
struct SweepLabTests {
    @Test func aSweepAcrossHostsGivesTheEmbeddedSweepsNumbers() async throws {
        var run = EvaluationRun.digits(folds: 5)
        run.model = "logistic:C=0.1,1"
        run.moreModels = ["knn:k=5,15"]
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, _ in
            let workers = try await cluster.startWorkers([("w1", 1), ("w2", 2)])
            let json = cluster.work.appendingPathComponent("sweep.json")
            let outcome = try await cluster.submit(run, from: 3, json: json)
            try #require(outcome.succeeded, "\(outcome)\n\(cluster.lab.diagnostics())")
            #expect((outcome.standardOutput + outcome.standardError).contains("Best (*)"), "no comparison table: \(outcome)")

            let expected = try Self.sweep(reference)
            let actual = try Self.sweep(Data(contentsOf: json))
            #expect(String(decoding: expected.comparison, as: UTF8.self).contains("\"versus_best\""))
            #expect(actual.comparison == expected.comparison, "the comparison differs from the embedded sweep's")
            try #require(actual.configurations.count == 4 && expected.configurations.count == 4)
            for (index, (mine, theirs)) in zip(actual.configurations, expected.configurations).enumerated() {
                let differences = try LabMetrics.differences(expected: theirs, actual: mine)
                #expect(differences.isEmpty, "configuration \(index): \(differences.map(\.description))")
            }
            for worker in workers {
                #expect(worker.finishedTaskCount() > 0, "\(worker) ran no task\n\(cluster.lab.diagnostics())")
            }
        }
    }

    /// A sweep's JSON: its comparison (canonical bytes) and each configuration's EvalMetrics.
    static func sweep(_ data: Data) throws -> (comparison: Data, configurations: [Data]) {
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let comparison = try JSONSerialization.data(withJSONObject: document["comparison"] ?? [:], options: [.sortedKeys])
        let configurations = (document["configurations"] as? [[String: Any]] ?? []).map { entry in
            (try? JSONSerialization.data(withJSONObject: entry["eval_metrics"] ?? [:], options: [.sortedKeys])) ?? Data()
        }
        return (comparison, configurations)
    }
}
