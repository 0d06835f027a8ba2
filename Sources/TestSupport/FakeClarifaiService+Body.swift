import Evaluation
import Foundation
import JSON

/// Why a Post body is refused.
struct FakeBodyError: Error {
    var reason: String
}

extension FakeClarifaiService {
    /// The `eval_metrics` items of a Post body, checked the way a strict protobuf parser would:
    /// known keys only, the right types, and what each RPC requires.
    static func evalMetricsItems(_ body: Data, origin: Origin) throws(FakeBodyError) -> [[String: JSONValue]] {
        guard let json = try? JSONValue.parse(body), let top = json.objectValue else {
            throw FakeBodyError(reason: "the body is not a JSON object")
        }
        // The official client repeats the path's parameters in the body; tolerate them.
        let topKeys: Set<String> = origin == .modelVersion
            ? ["eval_metrics", "user_app_id", "model_id", "model_version_id"] : ["eval_metrics", "user_app_id"]
        if let unknown = top.keys.sorted().first(where: { !topKeys.contains($0) }) {
            throw FakeBodyError(reason: "unknown field \"\(unknown)\"")
        }
        guard let items = top["eval_metrics"]?.arrayValue, !items.isEmpty else {
            throw FakeBodyError(reason: "eval_metrics must be a non-empty array")
        }
        let itemKeys: Set<String> = origin == .modelVersion
            ? ["id", "eval_info", "model"] : ["id", "eval_info", "model", "ground_truth_dataset", "extended_metrics"]
        return try items.map { item throws(FakeBodyError) in
            guard let fields = item.objectValue else { throw FakeBodyError(reason: "eval_metrics[] must hold objects") }
            // An empty item names nothing to evaluate.
            guard !fields.isEmpty else { throw FakeBodyError(reason: "eval_metrics[] is empty: name the model or the dataset") }
            if let unknown = fields.keys.sorted().first(where: { !itemKeys.contains($0) }) {
                throw FakeBodyError(reason: "eval_metrics[] field \"\(unknown)\" is not read by this RPC")
            }
            if let id = fields["id"], id.stringValue?.isEmpty != false {
                throw FakeBodyError(reason: "eval_metrics[].id must be a non-empty string")
            }
            if let info = fields["eval_info"] {
                guard let infoFields = info.objectValue, Set(infoFields.keys).isSubset(of: ["params"]),
                      infoFields["params"].map({ $0.objectValue != nil }) ?? true
                else { throw FakeBodyError(reason: "eval_info must be {\"params\": {...}}") }
                if let datasetID = info["params"]?["dataset_id"], datasetID.stringValue == nil {
                    throw FakeBodyError(reason: "eval_info.params.dataset_id must be a string")
                }
                if let useKfold = info["params"]?["use_kfold"] {
                    guard case .bool = useKfold else { throw FakeBodyError(reason: "eval_info.params.use_kfold must be a boolean") }
                }
            }
            if origin == .app {
                guard fields["model"]?["id"]?.stringValue != nil, fields["model"]?["model_version"]?["id"]?.stringValue != nil else {
                    throw FakeBodyError(reason: "PostEvaluations needs model.id and model.model_version.id")
                }
                if let dataset = fields["ground_truth_dataset"], dataset["id"]?.stringValue == nil {
                    throw FakeBodyError(reason: "ground_truth_dataset needs an id")
                }
            }
            return fields
        }
    }
}
