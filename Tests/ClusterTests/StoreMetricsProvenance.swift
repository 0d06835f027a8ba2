import Evaluation
import Foundation
import JSON

/// Compares EvalMetrics JSON of two runs of the same job: everything must match except the
/// provenance, which says how this run went rather than what the data gave.
enum MetricsProvenance {
    /// The run-specific keys of `extended_metrics.user_metrics.crossfold`: each fold's `worker`
    /// and `seconds`, the run's `wall_seconds`.
    static let keys: Set<String> = ["worker", "seconds", "wall_seconds"]

    /// `json` parsed (doubles exactly, through `JSONDecoder`) with the provenance keys removed.
    /// - Throws: `DecodingError` when `json` is not JSON.
    static func withoutProvenance(_ json: [UInt8]) throws -> JSONValue {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        guard case .object(var root) = value,
              case .object(var extended) = root["extended_metrics"],
              case .object(var user) = extended["user_metrics"],
              let crossfold = user["crossfold"]
        else { return value }
        user["crossfold"] = stripped(crossfold)
        extended["user_metrics"] = .object(user)
        root["extended_metrics"] = .object(extended)
        return .object(root)
    }

    /// Whether the JSON holds provenance at all (so a comparison that ignores it is not vacuous).
    static func hasProvenance(_ json: [UInt8]) -> Bool {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json)) else { return false }
        return (try? withoutProvenance(json)).map { $0 != value } ?? false
    }

    private static func stripped(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var kept: [String: JSONValue] = [:]
            for (key, field) in fields where !keys.contains(key) { kept[key] = stripped(field) }
            return .object(kept)
        case .array(let items):
            return .array(items.map(stripped))
        default:
            return value
        }
    }
}
