import Cluster
import Datasets
import Evaluation
import Folds
import Foundation
import Reports
import Wire
import ZeroMQ

extension JobSession {
    /// `evaluate --nested`: for each outer fold of the sweep's plan, the same sweep over that
    /// fold's training rows alone (a dataset of its own, uploaded like any), whose best
    /// configuration by `metric` is the one the outer fold is scored with. The outer scores are the
    /// finished sweep's own fold rows, so nothing is trained twice on an outer fold.
    ///
    /// Runs one inner sweep after another on the same cluster; a failed one ends the evaluation
    /// (exit 70) with its reason.
    func nestedSelection(_ job: PreparedJob, document: SweepDocument, metric: SelectionMetric) async throws -> NestedSelection {
        let spec = job.spec
        guard let strategy = SplitStrategy(rawValue: spec.split) else {
            throw CommandFailure(.usage, "--split \(spec.split) is not a split strategy")
        }
        let plan = try FoldPlanner.plan(
            for: job.training.dataset, strategy: strategy, folds: spec.folds, repeats: 1, seed: spec.seed, source: job.training.path)
        var inner: [SweepComparison] = []
        for fold in 0..<spec.folds {
            let subset = job.training.dataset.selecting(rows: plan.trainRows(repeat: 0, fold: fold))
            let bytes = CanonicalDataset.encode(subset)
            let hash = SHA256Hasher.hash(bytes)
            try await client.upload(PinnedBuffer(bytes), hash: hash)
            var innerSpec = spec
            innerSpec.dataset = hash
            innerSpec.datasetName = "\(spec.datasetName) (outer fold \(fold)'s training rows)"
            innerSpec.testSet = nil
            let id = try await client.submit(innerSpec)
            logger.info("inner sweep submitted", metadata: ["job": "\(id)", "outer_fold": "\(fold)", "rows": "\(subset.rowCount)"])
            let status = try await follow(id, live: Terminal.standardErrorIsTerminal)
            guard status.state == .completed else {
                throw CommandFailure(.evaluationFailed, "the inner sweep of outer fold \(fold) (job \(id)) \(status.state.rawValue): "
                    + "\(status.message ?? "no reason recorded")")
            }
            let results = try await client.results(of: id, predictions: false)
            let comparison: SweepComparison?
            do {
                comparison = try SweepDocument.decode(Data(results.metricsJSON)).compared(by: metric).comparison
            } catch {
                throw CommandFailure(.evaluationFailed, "the inner sweep of outer fold \(fold) (job \(id)) cannot be read: \(error)")
            }
            guard let comparison else {
                throw CommandFailure(.evaluationFailed, "the inner sweep of outer fold \(fold) (job \(id)) holds no configuration")
            }
            inner.append(comparison)
        }
        return NestedSelection(
            reports: try document.reports(), labels: document.configurations.map(\.label), inner: inner, innerFolds: spec.folds,
            metric: metric)
    }
}
