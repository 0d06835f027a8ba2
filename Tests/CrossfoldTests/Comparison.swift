import Evaluation
import JSON

/// Collects numeric comparisons of crossfold's output against an oracle, so one test can check
/// hundreds of values and report every mismatch at once.
struct Comparison {
    private(set) var mismatches: [String] = []
    private(set) var count = 0

    /// `actual` within `tolerance` of `expected` (both present).
    mutating func check(_ name: String, _ actual: Double?, _ expected: Double?, tolerance: Double) {
        count += 1
        guard let actual, let expected else {
            mismatches.append("\(name): crossfold \(Self.text(actual)), oracle \(Self.text(expected))")
            return
        }
        if abs(actual - expected) > tolerance {
            mismatches.append("\(name): crossfold \(actual), oracle \(expected) (differ by \(abs(actual - expected)) > \(tolerance))")
        }
    }

    /// `actual` equal to `expected` (counts).
    mutating func checkEqual(_ name: String, _ actual: Double?, _ expected: Double?) {
        check(name, actual, expected, tolerance: 0)
    }

    /// Every numeric field of `keys` in the two objects, within `tolerance`.
    mutating func checkFields(_ prefix: String, _ keys: [String], actual: JSONValue?, expected: JSONValue?, tolerance: Double) {
        for key in keys {
            check("\(prefix).\(key)", actual?[key]?.doubleValue, expected?[key]?.doubleValue, tolerance: tolerance)
        }
    }

    private static func text(_ value: Double?) -> String {
        value.map { "\($0)" } ?? "missing"
    }

    var report: String { mismatches.prefix(40).joined(separator: "\n") }
}

extension JSONValue {
    /// The element of an array of objects whose `key` is `value`.
    func element(where key: String, is value: String) -> JSONValue? {
        arrayValue?.first { $0[key]?.stringValue == value }
    }
}
