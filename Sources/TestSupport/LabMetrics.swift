import Evaluation
import Foundation
import JSON

/// Compares two EvalMetrics JSON documents the way the cluster promises: identical apart from the
/// run's provenance.
///
/// Provenance is exactly what `CrossfoldReport.json` (Sources/Evaluation/CrossfoldReport+JSON.swift)
/// records about where and how long the work ran, under `extended_metrics.user_metrics.crossfold`:
/// `run.wall_seconds`, and each `folds[i].worker` and `folds[i].seconds`. Those keys are removed;
/// everything else must match value for value, doubles bit for bit, arrays in order, objects with
/// the same keys.
public enum LabMetrics {
    /// One difference, at a dotted path such as `binary_metrics[3].roc_auc`.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var expected: String
        public var actual: String

        public var description: String { "\(path): expected \(expected), got \(actual)" }
    }

    /// A document that is not JSON, or lacks the crossfold block the comparison relies on.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The keys stripped, relative to `extended_metrics.user_metrics.crossfold`.
    public static let provenanceKeys = ["run.wall_seconds", "folds[].worker", "folds[].seconds"]

    /// The differences between `expected` and `actual` (EvalMetrics JSON bytes) once provenance
    /// is removed from both; empty when they agree. At most `limit` are listed.
    ///
    /// - Throws: `FormatError` when either is not JSON or has no `user_metrics.crossfold` block
    ///   (without it, "identical modulo provenance" would be vacuous).
    public static func differences(expected: Data, actual: Data, limit: Int = 20) throws(FormatError) -> [Difference] {
        let left = try strippingProvenance(parse(expected, "expected"))
        let right = try strippingProvenance(parse(actual, "actual"))
        var found: [Difference] = []
        compare(left, right, path: "", into: &found, limit: limit)
        return found
    }

    /// `metrics` without the provenance keys.
    ///
    /// - Throws: `FormatError` when it has no `extended_metrics.user_metrics.crossfold` object.
    public static func strippingProvenance(_ metrics: JSONValue) throws(FormatError) -> JSONValue {
        guard case .object(var root) = metrics,
              case .object(var extended) = root["extended_metrics"],
              case .object(var user) = extended["user_metrics"],
              case .object(var crossfold) = user["crossfold"] else {
            throw FormatError(description: "no extended_metrics.user_metrics.crossfold object: not a crossfold result")
        }
        if case .object(var run) = crossfold["run"] {
            run["wall_seconds"] = nil
            // Which tasks were computed twice, and by whom: provenance like the fold's worker.
            run["verification"] = nil
            crossfold["run"] = .object(run)
        }
        if case .array(let folds) = crossfold["folds"] {
            crossfold["folds"] = .array(folds.map { fold in
                guard case .object(var fields) = fold else { return fold }
                fields["worker"] = nil
                fields["seconds"] = nil
                return .object(fields)
            })
        }
        user["crossfold"] = .object(crossfold)
        extended["user_metrics"] = .object(user)
        root["extended_metrics"] = .object(extended)
        return .object(root)
    }

    /// `metrics` (EvalMetrics JSON bytes) without provenance, re-encoded canonically: sorted keys,
    /// shortest round-trip doubles. Two results agree exactly when these bytes are equal; write
    /// them to files to diff a failure by eye.
    ///
    /// - Throws: `FormatError` as `differences` does.
    public static func canonicalBytes(_ metrics: Data) throws(FormatError) -> Data {
        let stripped = try strippingProvenance(parse(metrics, "given"))
        do {
            return try SortedJSONEncoder(pretty: true).encode(stripped)
        } catch {
            throw FormatError(description: "cannot re-encode the metrics: \(error)")
        }
    }

    private static func parse(_ data: Data, _ which: String) throws(FormatError) -> JSONValue {
        do {
            return try JSONValue.parse(data)
        } catch {
            throw FormatError(description: "the \(which) metrics are not JSON: \(error)")
        }
    }

    private static func compare(_ left: JSONValue, _ right: JSONValue, path: String, into found: inout [Difference], limit: Int) {
        guard found.count < limit else { return }
        switch (left, right) {
        case (.object(let a), .object(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                switch (a[key], b[key]) {
                case (let x?, let y?): compare(x, y, path: child, into: &found, limit: limit)
                case (let x?, nil): found.append(Difference(path: child, expected: render(x), actual: "(missing)"))
                case (nil, let y?): found.append(Difference(path: child, expected: "(missing)", actual: render(y)))
                case (nil, nil): break
                }
                guard found.count < limit else { return }
            }
        case (.array(let a), .array(let b)):
            if a.count != b.count {
                found.append(Difference(path: path, expected: "\(a.count) elements", actual: "\(b.count) elements"))
            }
            for index in 0..<min(a.count, b.count) {
                compare(a[index], b[index], path: "\(path)[\(index)]", into: &found, limit: limit)
            }
        case (.number(let a), .number(let b)):
            // Bit for bit: 0.1 + 0.2 against 0.3 must count as different.
            if a.bitPattern != b.bitPattern {
                found.append(Difference(path: path, expected: render(left), actual: render(right)))
            }
        default:
            if left != right {
                found.append(Difference(path: path, expected: render(left), actual: render(right)))
            }
        }
    }

    private static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .number(let number): "\(number)"
        case .string(let text): "\"\(text)\""
        case .array(let items): "[\(items.count) elements]"
        case .object(let fields): "{\(fields.keys.sorted().prefix(6).joined(separator: ", "))\(fields.count > 6 ? ", ..." : "")}"
        }
    }
}
