import Datasets
import Evaluation
import Foundation
import Reports
import Testing
import TestSupport

/// The JSON crossfold writes parses as Clarifai's EvalMetrics protobuf message with unknown fields
/// rejected (PyPI clarifai-grpc), and keeps its values through the parse.
@Suite struct ClarifaiProtobufOracleTests {
    static let script = #"""
    import sys, json
    from google.protobuf import json_format
    from clarifai_grpc.grpc.api import resources_pb2
    text = sys.stdin.read()
    m = json_format.Parse(text, resources_pb2.EvalMetrics(), ignore_unknown_fields=False)
    user = json_format.MessageToDict(m.extended_metrics.user_metrics)
    print(json.dumps({
        "status": m.status.code,
        "description": m.status.description,
        "binary": len(m.binary_metrics),
        "roc_points": len(m.binary_metrics[0].roc_curve.tpr),
        "pr_first_threshold": m.binary_metrics[0].precision_recall_curve.thresholds[0],
        "macro_avg_roc_auc": m.summary.macro_avg_roc_auc,
        "has_std": m.summary.macro_std_roc_auc != 0,
        "confusion": len(m.confusion_matrix.matrix),
        "confusion_ids": list(m.confusion_matrix.concept_ids),
        "cooccurrence": len(m.cooccurrence_matrix.matrix),
        "labels": [c.count for c in m.label_counts.positive_label_counts],
        "use_kfold": json_format.MessageToDict(m.eval_info.params)["use_kfold"],
        "format_version": user["crossfold"]["format_version"],
        "folds": len(user["crossfold"]["folds"]),
        "test_set": len(m.test_set),
        "first_input": m.test_set[0].input.id if m.test_set else "",
        "first_predicted": [c.id for c in m.test_set[0].predicted_concepts] if m.test_set else [],
        "id": m.id,
        "model": m.model.id,
        "model_type": m.model.model_type_id,
        "dataset_version": m.ground_truth_dataset.version.id,
    }))
    """#

    struct Parsed: Decodable {
        let status: Int
        let description: String
        let binary: Int
        let roc_points: Int
        let pr_first_threshold: Double
        let macro_avg_roc_auc: Double
        let has_std: Bool
        let confusion: Int
        let confusion_ids: [String]
        let cooccurrence: Int
        let labels: [Int]
        let use_kfold: Bool
        let format_version: Double
        let folds: Int
        let test_set: Int
        let first_input: String
        let first_predicted: [String]
        let id: String
        let model: String
        let model_type: String
        let dataset_version: String
    }

    private func parse(_ metrics: EvalMetrics) async throws -> Parsed {
        let output = try await PythonOracle.run(script: Self.script, stdin: try EvalMetricsJSON.encode(metrics))
        return try JSONDecoder().decode(Parsed.self, from: output)
    }

    @Test(arguments: [false, true])
    func crossValidationResultParsesWithUnknownFieldsRejected(multiLabel: Bool) async throws {
        try await PythonOracle.require(modules: ["google.protobuf", "clarifai_grpc"])
        let result = try Fixtures.realisticResult(multiLabel: multiLabel)
        let dataset = try Fixtures.realisticDataset(multiLabel: multiLabel)
        let parsed = try await parse(result.evalMetrics(run: Fixtures.run, testSet: TestSetSource(dataset: dataset, scope: .all)))
        #expect(parsed.status == 21300)
        #expect(parsed.description == "Model was successfully evaluated.")
        #expect(parsed.binary == 4)
        #expect(parsed.roc_points == 101)
        #expect(parsed.pr_first_threshold == 0)
        let conceptMean = result.conceptSummaries.compactMap(\.rocAUC.mean).reduce(0, +) / 4
        #expect(abs(parsed.macro_avg_roc_auc - conceptMean) < 1e-6)  // a protobuf float
        #expect(parsed.has_std)
        #expect(parsed.confusion == 16)
        #expect(parsed.confusion_ids == result.concepts)
        #expect(parsed.test_set == result.rowCount && parsed.first_input == result.inputIDs[0])
        #expect(parsed.first_predicted.count == 4)
        #expect(parsed.id.count == 32 && parsed.id == Fixtures.run.evaluationID)
        #expect(parsed.model == Fixtures.run.model && parsed.model_type == "embedding-classifier")
        #expect(parsed.dataset_version == Fixtures.run.dataset.sha256)
        #expect(parsed.labels == result.labels.positiveCounts)
        #expect(parsed.use_kfold)
        #expect(parsed.format_version == 1)
        #expect(parsed.folds == 10)
    }

    @Test func holdoutResultParsesWithUnknownFieldsRejected() async throws {
        try await PythonOracle.require(modules: ["google.protobuf", "clarifai_grpc"])
        let whole = Fixtures.handPredictions
        let merged = FoldPredictions(repeatIndex: 0, fold: 0, rows: [0, 1, 2, 3, 4, 5],
                                     scores: whole[0].scores + whole[1].scores, conceptCount: 2)
        let result = try Evaluator.evaluateHoldout(dataset: Fixtures.handDataset, predictions: merged)
        var run = Fixtures.run
        run.split = "holdout"
        run.holdout = .init(path: "holdout.csv", sha256: String(repeating: "1a", count: 32), rows: 6)
        let parsed = try await parse(result.evalMetrics(run: run))
        #expect(!parsed.use_kfold)
        #expect(!parsed.has_std)
        #expect(parsed.folds == 1)
    }

    @Test func aKeyClarifaiLacksIsRejectedByTheOracle() async throws {
        // Guards the oracle itself: with unknown fields rejected, an extra key must fail to parse.
        try await PythonOracle.require(modules: ["google.protobuf", "clarifai_grpc"])
        var text = String(decoding: try EvalMetricsJSON.encode(try Fixtures.handResult().evalMetrics(run: Fixtures.run)),
                          as: UTF8.self)
        text = text.replacingOccurrences(of: "\"summary\" : {", with: "\"summary\" : {\n    \"pooled_roc_auc\" : 0.5,")
        await #expect(throws: PythonOracle.Failure.self) {
            try await PythonOracle.run(script: Self.script, stdin: Data(text.utf8))
        }
    }
}
