import Evaluation
import Foundation
import JSON

/// Clarifai's EvalMetrics in its REST JSON form: snake_case keys, sorted, pretty-printed, unset
/// fields omitted and no key the protobuf message lacks (the extras travel in
/// `extended_metrics.user_metrics`), so protobuf parsers accept it with unknown fields rejected.
public enum EvalMetricsJSON {
    /// The JSON text of `metrics` (or of a document holding them, a sweep's), UTF-8, ending in a
    /// newline: indented for people, or compact
    /// (`pretty: false`, what the coordinator stores and sends: a result of many concepts is half
    /// the size).
    ///
    /// - Throws: `ReportError.unencodable` when a value is NaN or infinite (protobuf JSON would
    ///   need a string there, which crossfold never writes).
    ///
    /// The bytes are `JSONEncoder`'s with `.sortedKeys` and `.withoutEscapingSlashes` (and
    /// `.prettyPrinted`), written by `SortedJSONEncoder`: a many-fold result's per-fold section is
    /// most of it, and `JSONEncoder` spent most of a client's time on it.
    public static func encode(_ metrics: some Encodable, pretty: Bool = true) throws(ReportError) -> Data {
        Data(try encodeBytes(metrics, pretty: pretty))
    }

    /// The same as bytes, without the copy into `Data`: the coordinator keeps a job's result this
    /// way, and at a million tasks it is 521 MB.
    public static func encodeBytes(_ metrics: some Encodable, pretty: Bool = true) throws(ReportError) -> [UInt8] {
        let encoder = SortedJSONEncoder(pretty: pretty)
        do {
            var bytes = try encoder.encodeBytes(metrics)
            bytes.append(0x0A)
            return bytes
        } catch {
            throw .unencodable(String(describing: error))
        }
    }

    /// Reads an EvalMetrics object, or the one an evaluation response carries
    /// (`{"status": ..., "eval_metrics": {...}}` from a Get, or a one-element `eval_metrics` array
    /// from a Post or List).
    ///
    /// Unknown keys are ignored, as Clarifai's own client does, and numbers are read in every
    /// proto3 JSON form (``ProtoJSONDecoder``): numbers in strings, and "NaN", "Infinity" and
    /// "-Infinity" as the corresponding Double.
    ///
    /// `perFold: false` reads a bare EvalMetrics object's per-fold section
    /// (`extended_metrics.user_metrics.crossfold.folds`) as empty, after checking its grammar: all
    /// a table needs, in a fraction of the time (the section is nearly all of a many-fold result).
    ///
    /// - Throws: `ReportError.undecodable` naming what is wrong.
    public static func decode(_ data: Data, perFold: Bool = true) throws(ReportError) -> EvalMetrics {
        let decoder = ProtoJSONDecoder()
        do {
            let tree = try JSONValue.parse(data, emptying: perFold ? [] : foldsPath)
            let envelope = try decoder.decode(ResponseEnvelope.self, from: tree)
            switch envelope.evalMetrics {
            case .none:
                return try decoder.decode(EvalMetrics.self, from: tree)
            case .single(let metrics)?:
                return metrics
            case .list(let list)?:
                guard list.count == 1 else {
                    throw ReportError.undecodable("the response holds \(list.count) evaluations; save one of them")
                }
                return list[0]
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .undecodable(String(describing: error))
        }
    }

    /// Where a crossfold result keeps its per-fold section (`CrossfoldReport.json`).
    static let foldsPath = ["extended_metrics", "user_metrics", "crossfold", "folds"]

    /// A response wrapping the metrics, or (when `eval_metrics` is absent) the metrics themselves.
    private struct ResponseEnvelope: Decodable {
        enum Body {
            case single(EvalMetrics)
            case list([EvalMetrics])
        }

        var evalMetrics: Body?

        enum CodingKeys: String, CodingKey {
            case evalMetrics = "eval_metrics"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if !container.contains(.evalMetrics) {
                evalMetrics = nil
            } else if let list = try? container.decode([EvalMetrics].self, forKey: .evalMetrics) {
                evalMetrics = .list(list)
            } else {
                evalMetrics = .single(try container.decode(EvalMetrics.self, forKey: .evalMetrics))
            }
        }
    }
}
