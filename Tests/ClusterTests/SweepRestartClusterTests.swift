import Cluster
import Datasets
import Evaluation
import Foundation
import JSON
import Logging
import Testing
import TestSupport
import Wire

/// A sweep on a coordinator dropped mid-job and started again on its state dir (as
/// `StoreRestartClusterTests` does for one model): it resumes without recomputing a stored fold and
/// ends with every configuration's metrics those of an uninterrupted sweep.
@Suite(.serialized) struct SweepRestartClusterTests {
    /// Two slow logistic configurations and a quick centroid (fitted from per-fold sums), 4 folds each.
    static func spec(hash: String) -> JobSpec {
        JobSpec(dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: 4, repeats: 1, seed: 31,
                model: JobSpec.sweepModel, params: [:], threshold: 0.5, configurations: [
                    ModelConfiguration(model: "logistic", params: ["C": "1000", "tol": "1e-12", "max_iter": "400"]),
                    ModelConfiguration(model: "logistic", params: ["C": "0.01", "tol": "1e-12", "max_iter": "400"]),
                    ModelConfiguration(model: "centroid", params: [:]),
                ])
    }

    /// The sweep's JSON with each configuration's provenance removed.
    static func withoutProvenance(_ json: [UInt8]) throws -> [JSONValue] {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        return try (document["configurations"]?.arrayValue ?? []).map { entry in
            let metrics = try JSONEncoder().encode(entry["eval_metrics"] ?? .null)
            return .object([
                "model": entry["model"] ?? .null, "params": entry["params"] ?? .null,
                "eval_metrics": try MetricsProvenance.withoutProvenance(Array(metrics)),
            ])
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aSweepOnACoordinatorDroppedMidJobResumesWithIdenticalMetrics() async throws {
        let dataset = GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5)
        try await RestartDrill.run(dataset, label: "sweep-restart", tasks: 12, spec: Self.spec) { drill in
            #expect(drill.status.configurations == 3 && drill.status.tasksTotal == 12, "\(drill.status)")
            let resumed = try Self.withoutProvenance(drill.resumed.metricsJSON)
            #expect(resumed.count == 3)
            #expect(resumed == (try Self.withoutProvenance(drill.reference.metricsJSON)))
            #expect(drill.resumed.header.repeats == 3, "a predictions section per configuration")
            #expect(drill.resumed.predictions.map(\.scores) == drill.reference.predictions.map(\.scores))
        }
    }
}
