import ArgumentParser
import Evaluation

/// Where results go: `--json`, `--predictions` and `--html`, each a file or `-` for standard output.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the EvalMetrics JSON (Clarifai's REST shape; with --remote clarifai, Clarifai's GetEvaluation reply exactly as received) to this file; - writes it to standard output (the table then goes to standard error).")
    var json: String?

    @Option(help: "Write the out-of-fold predictions as CSV (id, fold, one column per concept) to this file; - writes them to standard output.")
    var predictions: String?

    @Option(help: "Write the report as one self-contained HTML page (summary, sortable table, threshold slider, curves, confusion heatmap, per-fold chart; opens from file:// with no network) to this file; - writes it to standard output.")
    var html: String?

    @Option(help: ArgumentHelp(
        "A sweep's selection metric, by which its configurations are compared and the best chosen (each fold's macro value): \(SelectionMetric.names).",
        valueName: "metric"))
    var select: String = SelectionMetric.rocAUC.rawValue

    @Flag(help: "A sweep's --predictions: every configuration's, with a configuration column (default: the best configuration's only).")
    var allConfigurations = false

    /// `--select` as a metric.
    var selectionMetric: SelectionMetric { SelectionMetric(rawValue: select) ?? .rocAUC }

    func validate() throws {
        guard SelectionMetric(rawValue: select) != nil else {
            throw ValidationError("--select \(select) is not a metric a sweep can compare by; use one of \(SelectionMetric.names)")
        }
    }

    /// Checks every output before any work (OutputPath), so an evaluation is never computed only
    /// to be lost: exit 73 for a file that cannot be written, 64 for an empty name, for two
    /// outputs naming the same file or both going to standard output.
    func checkWritable() throws {
        let given = [("--json", json), ("--predictions", predictions), ("--html", html)]
            .compactMap { flag, path in path.map { (flag, $0) } }
        for (flag, path) in given { _ = try OutputPath.check(path, flag: flag) }
        for (index, first) in given.enumerated() {
            for second in given[(index + 1)...] where first.1 == second.1 {
                let what = first.1 == OutputPath.standardOutputName ? "standard output" : first.1
                throw CommandFailure(.usage, "\(first.0) and \(second.0) both write to \(what); give each its own file")
            }
        }
    }

    /// Whether a file goes to standard output, so the table must go to standard error.
    var usesStandardOutput: Bool {
        [json, predictions, html].contains(OutputPath.standardOutputName)
    }
}
