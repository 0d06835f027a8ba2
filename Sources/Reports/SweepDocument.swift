import Evaluation
import Foundation
import JSON

/// A sweep's result as JSON (docs/RESULTS.md, Sweeps): one EvalMetrics per configuration, in the
/// order the sweep listed them, and the comparison (`SweepComparison`) for the selected metric.
/// The coordinator stores it without the comparison; the client adds it for the `--select` given.
public struct SweepDocument: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var model: String
        public var params: [String: String]
        /// Exactly what the single run of this configuration gives.
        public var evalMetrics: EvalMetrics

        public init(model: String, params: [String: String], evalMetrics: EvalMetrics) {
            self.model = model
            self.params = params
            self.evalMetrics = evalMetrics
        }

        /// `knn k=5 weights=distance`.
        public var label: String {
            ([model] + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }

        enum CodingKeys: String, CodingKey {
            case model, params
            case evalMetrics = "eval_metrics"
        }
    }

    public var configurations: [Entry]
    public var comparison: SweepComparison?
    /// With `evaluate --nested`: each outer fold's choice by an inner sweep, and its score.
    public var nested: NestedSelection?

    public init(configurations: [Entry], comparison: SweepComparison? = nil, nested: NestedSelection? = nil) {
        self.configurations = configurations
        self.comparison = comparison
        self.nested = nested
    }

    /// The crossfold report of every configuration, in order.
    ///
    /// - Throws: `ReportError.undecodable` naming a configuration whose EvalMetrics lacks its
    ///   crossfold block (a sweep's always has one).
    public func reports() throws(ReportError) -> [CrossfoldReport] {
        var reports: [CrossfoldReport] = []
        for entry in configurations {
            let report: CrossfoldReport?
            do {
                report = try CrossfoldReport(metrics: entry.evalMetrics)
            } catch {
                throw .undecodable("configuration '\(entry.label)': \(error)")
            }
            guard let report else { throw .undecodable("configuration '\(entry.label)' has no crossfold block to compare folds by") }
            reports.append(report)
        }
        return reports
    }

    /// The document with the comparison by `metric`.
    public func compared(by metric: SelectionMetric) throws(ReportError) -> SweepDocument {
        var document = self
        document.comparison = SweepComparison(labels: configurations.map(\.label), reports: try reports(), metric: metric)
        return document
    }

    /// Reads a sweep's JSON (numbers in every proto3 JSON form, as `EvalMetricsJSON.decode`).
    ///
    /// - Throws: `ReportError.undecodable` naming what is wrong.
    public static func decode(_ data: Data) throws(ReportError) -> SweepDocument {
        do {
            return try ProtoJSONDecoder().decode(SweepDocument.self, from: data)
        } catch {
            throw .undecodable(String(describing: error))
        }
    }

    /// Sorted keys, indented, ending in a newline; undefined values omitted.
    ///
    /// - Throws: `ReportError.unencodable` when a value is NaN or infinite.
    public func encoded() throws(ReportError) -> Data {
        try EvalMetricsJSON.encode(self)
    }
}
