import Evaluation
import Foundation
import JSON
import Synchronization
import Testing
import TestSupport

/// Where the repository's files are, seen from this test file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The absolute path of `examples/<name>`.
    static func example(_ name: String) -> String {
        root.appendingPathComponent("examples").appendingPathComponent(name).path
    }
}

/// Runs crossfold with `workspace` as its working directory.
func crossfold(
    _ arguments: [String], in workspace: CLIWorkspace, environment: [String: String] = [:],
    timeout: Duration = .seconds(300)
) async throws -> CLIResult {
    try await CLI.run(arguments, environment: environment, directory: workspace.url, timeout: timeout)
}

/// Reads a JSON file the CLI wrote.
func readJSON(_ name: String, in workspace: CLIWorkspace) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: workspace.data(name))
}

extension JSONValue {
    /// `extended_metrics.user_metrics.crossfold` of an EvalMetrics object.
    var crossfoldBlock: JSONValue? { self["extended_metrics"]?["user_metrics"]?["crossfold"] }

    /// The value at a dotted `path` of object keys.
    func at(_ path: String) -> JSONValue? {
        path.split(separator: ".").reduce(Optional(self)) { value, key in value?[String(key)] }
    }

    /// The number at a dotted `path` of object keys.
    func number(_ path: String) -> Double? { at(path)?.doubleValue }

    /// This value without the object keys in `keys`, at any depth.
    func removingKeys(_ keys: Set<String>) -> JSONValue {
        switch self {
        case .object(let fields):
            .object(fields.filter { !keys.contains($0.key) }.mapValues { $0.removingKeys(keys) })
        case .array(let items):
            .array(items.map { $0.removingKeys(keys) })
        default:
            self
        }
    }
}

/// The provenance fields of the crossfold block: which worker ran a fold, how long it took, and
/// the wall time. Everything else is a function of the data, the options and the seed.
let provenanceKeys: Set<String> = ["worker", "seconds", "wall_seconds"]

/// clarifai-grpc's reading of an EvalMetrics JSON file.
struct ClarifaiParse: Decodable {
    let status: Int
    let concepts: [String]
    let roc_auc: [Double]
    let avg_precision: [Double]
    let f1: [Double]
    let num_pos: [Int]
    let roc_points: [Int]
    let macro_avg_roc_auc: Double
    let use_kfold: Bool?
}

/// Parses `text` as Clarifai's EvalMetrics protobuf message under protobuf JSON rules with
/// unknown fields rejected (PyPI clarifai-grpc), and returns what it read.
///
/// - Throws: `PythonOracle.Failure` with the parser's complaint when the message does not parse.
func parseAsClarifaiEvalMetrics(_ text: String) async throws -> ClarifaiParse {
    let script = #"""
    import sys, json
    from google.protobuf import json_format
    from clarifai_grpc.grpc.api import resources_pb2
    text = sys.stdin.read()
    whole = json.loads(text)
    # A Clarifai reply saved as received wraps the EvalMetrics in {"status", "eval_metrics"}.
    if "eval_metrics" in whole: text = json.dumps(whole["eval_metrics"])
    m = json_format.Parse(text, resources_pb2.EvalMetrics(), ignore_unknown_fields=False)
    params = json_format.MessageToDict(m.eval_info.params)
    print(json.dumps({
        "status": m.status.code,
        "concepts": [b.concept.id for b in m.binary_metrics],
        "roc_auc": [b.roc_auc for b in m.binary_metrics],
        "avg_precision": [b.avg_precision for b in m.binary_metrics],
        "f1": [b.f1 for b in m.binary_metrics],
        "num_pos": [b.num_pos for b in m.binary_metrics],
        "roc_points": [len(b.roc_curve.fpr) for b in m.binary_metrics],
        "macro_avg_roc_auc": m.summary.macro_avg_roc_auc,
        "use_kfold": params.get("use_kfold"),
    }))
    """#
    let output = try await PythonOracle.run(script, input: text, requiring: ["google.protobuf", "clarifai_grpc"])
    return try JSONDecoder().decode(ClarifaiParse.self, from: Data(output.utf8))
}

/// Exports scikit-learn's bundled `dataset` (digits, breast_cancer, wine, iris) as a crossfold CSV
/// (`id,label,f0,...`, concepts named by the target names) into `workspace`; returns the file name.
@discardableResult
func exportScikitLearnDataset(_ dataset: String, to workspace: CLIWorkspace) async throws -> String {
    let name = "\(dataset).csv"
    let script = #"""
    import sys, csv
    from sklearn import datasets
    name, path = sys.stdin.read().split("\n")[:2]
    bunch = getattr(datasets, "load_" + name)()
    names = [str(n) for n in bunch.target_names]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label"] + ["f%d" % j for j in range(bunch.data.shape[1])])
        for i, (row, target) in enumerate(zip(bunch.data, bunch.target)):
            w.writerow(["%s-%04d" % (name, i), names[target]] + [repr(float(v)) for v in row])
    """#
    // Once per dataset and test process: each run is a python start and a scikit-learn import,
    // seconds of a cooperative thread at the busy start of the suite.
    if let bytes = exportedScikitLearnDatasets.withLock({ $0[dataset] }) {
        try bytes.write(to: URL(fileURLWithPath: workspace.path(name)))
        return name
    }
    _ = try await PythonOracle.run(script, input: "\(dataset)\n\(workspace.path(name))\n", requiring: ["sklearn"])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.path(name)))
    exportedScikitLearnDatasets.withLock { $0[dataset] = bytes }
    return name
}

private let exportedScikitLearnDatasets = Mutex<[String: Data]>([:])

/// The per-concept rows of the table `evaluate` prints, keyed by concept: the eight numeric cells
/// after ROC AUC (Total Labeled, Total Predicted, TP, FN, FP, Recall, Precision, F1).
func tableRows(_ standardOutput: String, concepts: [String]) -> [String: [Double]] {
    var rows: [String: [Double]] = [:]
    for line in standardOutput.split(separator: "\n") {
        let cells = line.split(separator: " ").map(String.init)
        guard let concept = cells.first, concepts.contains(concept), cells.count >= 9 else { continue }
        rows[concept] = cells.suffix(8).compactMap(Double.init)
    }
    return rows
}
