import ArgumentParser

/// Where results go: `--json` and `--predictions`, each a file or `-` for standard output.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the EvalMetrics JSON (Clarifai's REST shape; with --remote clarifai, Clarifai's GetEvaluation reply exactly as received) to this file; - writes it to standard output (the table then goes to standard error).")
    var json: String?

    @Option(help: "Write the out-of-fold predictions as CSV (id, fold, one column per concept) to this file; - writes them to standard output.")
    var predictions: String?

    /// Checks both outputs before any work (OutputPath), so an evaluation is never computed only
    /// to be lost: exit 73 for a file that cannot be written, 64 for an empty name, for both
    /// outputs naming the same file or both going to standard output.
    func checkWritable() throws {
        let given = [("--json", json), ("--predictions", predictions)].compactMap { flag, path in path.map { (flag, $0) } }
        for (flag, path) in given { _ = try OutputPath.check(path, flag: flag) }
        if given.count == 2, given[0].1 == given[1].1 {
            let what = given[0].1 == OutputPath.standardOutputName ? "standard output" : given[0].1
            throw CommandFailure(.usage, "--json and --predictions both write to \(what); give each its own file")
        }
    }

    /// Whether a file goes to standard output, so the table must go to standard error.
    var usesStandardOutput: Bool {
        json == OutputPath.standardOutputName || predictions == OutputPath.standardOutputName
    }
}
