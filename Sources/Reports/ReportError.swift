import Foundation

/// A report that cannot be written or a result file that cannot be read, with what to do.
public enum ReportError: Error, Sendable, CustomStringConvertible {
    /// The metrics hold a value JSON cannot carry (NaN or infinity).
    case unencodable(String)
    /// The text is not JSON, or not an EvalMetrics object or response.
    case undecodable(String)
    /// Writing to the output failed.
    case writeFailed(String)

    public var description: String {
        switch self {
        case .unencodable(let detail):
            "cannot write the metrics as JSON: \(detail); undefined metrics must be left unset, not NaN"
        case .undecodable(let detail):
            "not a Clarifai EvalMetrics JSON object or response: \(detail); "
                + "pass a file written by `crossfold evaluate --json` or a Clarifai evaluation response"
        case .writeFailed(let detail):
            "cannot write the report: \(detail); check the path, permissions and free space"
        }
    }
}
