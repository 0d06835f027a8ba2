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
/// section `c × repeats + r`; it is filled one configuration at a time, from the stored results
/// read again, so a sweep holds one configuration's predictions in memory, not all of them (100
/// configurations of 1M rows and 10 concepts were 4.4 GB).
enum SweepMetrics {
    static func compute(
        _ request: MetricsRequest, store: any JobStore, software: String, lanes: Int
    ) -> Result<ComputedMetrics, MetricsFailure> {
        let configurations = request.job.spec.configurationList
        var json = Array(#"{"configurations":["#.utf8)
        for (index, configuration) in configurations.enumerated() {
            let one: [UInt8]
            switch JobMetrics.configuration(index, of: request, store: store, software: software, lanes: lanes) {
            case .success(let computed): one = computed.json
            case .failure(let failure):
                return .failure(MetricsFailure("configuration '\(configuration.label)': \(failure)"))
            }
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json += Array(#"{"eval_metrics":"#.utf8)
            json += one.last == 0x0A ? one.dropLast() : one[...]
            json += Array(#","model":"#.utf8) + plainJSON(configuration.model)
            json += Array(#","params":"#.utf8) + plainJSON(configuration.params)
            json.append(UInt8(ascii: "}"))
            guard json.count <= ClientReply.maxMetricsBytes else {
                return .failure(MetricsFailure(
                    "the sweep's results take more than the \(ClientReply.maxMetricsBytes >> 20) MiB of JSON a result may "
                        + "hold after \(index + 1) of \(configurations.count) configurations; sweep fewer configurations at once"))
            }
        }
        json += Array("]}\n".utf8)
        return .success(ComputedMetrics(json: json, predictions: predictionsWrite(of: request.job, store: store)))
    }

    /// The sweep's predictions file, every configuration's sections in turn, or nil when its size
    /// would overflow.
    static func predictionsWrite(of active: ActiveJob, store: any JobStore) -> PredictionsWrite? {
        let configurations = active.spec.configurationList.count
        let repeats = active.plan?.repeats ?? 1
        return JobMetrics.predictionsWrite(of: active, sections: configurations * repeats) { header, buffer throws(JobStoreError) in
            for index in 0..<configurations {
                switch JobMetrics.gather(index, of: active, store: store) {
                case .success(let gathered):
                    for predictions in gathered.outOfFold {
                        PredictionsFile.write(predictions, asSection: index * repeats + predictions.repeatIndex, of: header, into: buffer)
                    }
                case .failure(let failure):
                    throw JobStoreError(.unreadable, "the sweep's predictions: \(failure.message)")
                }
            }
        }
    }

    /// Keys as they are (WireJSON's snake_case strategy would rewrite parameter names such as `C`).
    private static func plainJSON(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and a dictionary of strings: encoding them cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("null".utf8))
    }
}
