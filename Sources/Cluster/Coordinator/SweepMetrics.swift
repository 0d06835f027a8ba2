import Evaluation
import Foundation
import Wire

/// A finished sweep's result: every configuration's EvalMetrics, each computed exactly as the
/// single run of that configuration would (`JobMetrics.configuration`), in one JSON document
/// (`SweepDocument` in Reports; docs/RESULTS.md, Sweeps):
///
///     {"configurations":[{"eval_metrics":{...},"model":"knn","params":{"k":"5"}}, ...]}
///
/// The comparison is not stored: the client computes it from the per-fold scores for the metric
/// it selects (`SweepComparison`). The predictions file holds configuration `c`'s repeat `r` as
/// section `c × repeats + r`.
enum SweepMetrics {
    static func compute(
        _ request: MetricsRequest, store: any JobStore, software: String, lanes: Int
    ) -> Result<ComputedMetrics, MetricsFailure> {
        let configurations = request.job.spec.configurationList
        var json = Array(#"{"configurations":["#.utf8)
        var outOfFold: [OutOfFoldPredictions] = []
        for (index, configuration) in configurations.enumerated() {
            let one: (json: [UInt8], outOfFold: [OutOfFoldPredictions])
            switch JobMetrics.configuration(index, of: request, store: store, software: software, lanes: lanes) {
            case .success(let computed): one = computed
            case .failure(let failure):
                return .failure(MetricsFailure("configuration '\(configuration.label)': \(failure)"))
            }
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json += Array(#"{"eval_metrics":"#.utf8)
            json += one.json.last == 0x0A ? one.json.dropLast() : one.json[...]
            json += Array(#","model":"#.utf8) + plainJSON(configuration.model)
            json += Array(#","params":"#.utf8) + plainJSON(configuration.params)
            json.append(UInt8(ascii: "}"))
            guard json.count <= ClientReply.maxMetricsBytes else {
                return .failure(MetricsFailure(
                    "the sweep's results take more than the \(ClientReply.maxMetricsBytes >> 20) MiB of JSON a result may "
                        + "hold after \(index + 1) of \(configurations.count) configurations; sweep fewer configurations at once"))
            }
            outOfFold += one.outOfFold
        }
        json += Array("]}\n".utf8)
        return .success(ComputedMetrics(json: json, predictions: JobMetrics.predictionsWrite(outOfFold, of: request.job)))
    }

    /// Keys as they are (WireJSON's snake_case strategy would rewrite parameter names such as `C`).
    private static func plainJSON(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and a dictionary of strings: encoding them cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("null".utf8))
    }
}
