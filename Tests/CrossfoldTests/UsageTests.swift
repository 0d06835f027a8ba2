import Foundation
import Testing
import TestSupport

/// Usage errors exit 64 with a message saying what is wrong; `--help` exits 0 and documents
/// every option.
@Suite struct UsageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["--param", "C"], message: "--param C is not KEY=VALUE"),
        Case(arguments: ["--param", "depth=3"], message: "unknown parameter 'depth' for the default model (softmax for exclusive concepts, logistic for multi-label data)"),
        Case(arguments: ["--param", "C=-1"], message: "parameter C=-1 for the default model (softmax for exclusive concepts, logistic for multi-label data) is not valid: expected a number > 0"),
        Case(arguments: ["--folds", "1"], message: "--folds must be at least 2"),
        Case(arguments: ["--split", "kmeans"], message: "--split kmeans is not one of random, stratified, group, multilabel"),
        Case(arguments: ["--model", "forest"], message: "unknown model 'forest'"),
        Case(arguments: ["--threshold", "1.5"], message: "--threshold must be between 0 and 1"),
        // Negative numbers are values, not options ("Missing value for '--folds'" before).
        Case(arguments: ["--folds", "-3"], message: "--folds must be at least 2"),
        Case(arguments: ["--repeats", "-1"], message: "--repeats must be at least 1"),
        Case(arguments: ["--threshold", "-0.5"], message: "--threshold must be between 0 and 1"),
        Case(arguments: ["--seed", "-1"], message: "The value '-1' is invalid for '--seed <seed>'"),
        // Too large for any coordinator: refused before a plan is built here (4.6·10^18 repeats
        // exhausted memory) or anything is uploaded. How many tasks memory holds is the coordinator's.
        Case(arguments: ["--repeats", "4611686018427387904"], message: "makes too many tasks: use fewer folds or repeats"),
        Case(arguments: ["--repeats", "1000000"], message: "needs a fold plan of more than 268435456 entries: use at most 149379 repeats"),
        Case(arguments: ["--folds", "100", "--repeats", "10000"],
             message: "1000000 tasks over 10 concepts need at least"),
    ]

    @Test(arguments: cases)
    func usageErrorExits64WithTheReason(_ usage: Case) async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("digits.csv")] + usage.arguments + ["--json", "r.json"],
                                      in: workspace)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
        #expect(run.standardError.contains(usage.message), "\(run)")
        #expect(!workspace.exists("r.json"))
    }

    @Test func groupSplitWithoutAGroupColumnSaysHowToFixIt() async throws {
        let workspace = try CLIWorkspace()
        let run = try await crossfold(["evaluate", Repository.example("digits.csv"), "--split", "group"], in: workspace)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.standardError.contains("digits.csv has no group column"), "\(run)")
        #expect(run.standardError.contains("Add a `group` column"), "\(run)")
    }

    /// The long options a help text documents, in order of appearance: the lines of the option
    /// column (two spaces in; wrapped help text is indented further).
    static func documentedOptions(_ help: String) -> [String] {
        help.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  --") || line.hasPrefix("  -h, --") else { return nil }
            let option = line.split(separator: " ").first { $0.hasPrefix("--") }
            return option.map(String.init)
        }
    }

    /// `text` with every run of whitespace (line wrapping included) as one space.
    static func unwrapped(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static let evaluateOptions: Set<String> = [
        // What to evaluate and how.
        "--labels", "--scratch-dir", "--folds", "--repeats", "--split", "--model", "--param", "--seed", "--threshold", "--holdout",
        "--holdout-labels",
        // Outputs.
        "--json", "--predictions", "--test-set", "--html",
        // A sweep's comparison and predictions.
        "--select", "--all-configurations", "--nested",
        // Where it runs.
        "--local-workers", "--coordinator", "--keys", "--worker-wait", "--reply-timeout", "--remote", "--fallback", "--verify",
        // Clarifai.
        "--clarifai-config", "--pat-file", "--user-id", "--app-id", "--model-id", "--model-version-id", "--dataset-id",
        "--dataset-app-id", "--dataset-user-id", "--dataset-version-id", "--api-base", "--evaluation-endpoints", "--remote-timeout", "--eval-id",
        "--use-kfold",
        // Logging and the standard ones.
        "--log-format", "--log-level", "--version", "--help",
    ]

    @Test func evaluateHelpDocumentsEveryOption() async throws {
        let run = try await crossfold(["evaluate", "--help"], in: try CLIWorkspace())
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.standardOutput.contains("USAGE: crossfold evaluate [<options>] [<dataset>]"), "\(run)")
        let options = Self.documentedOptions(run.standardOutput)
        #expect(Set(options) == Self.evaluateOptions, "\(run)")
        #expect(options.count == Set(options).count, "an option is documented twice")
        // The choices a user needs without reading further.
        let prose = Self.unwrapped(run.standardOutput)
        for text in ["stratified, random, group or multilabel", "logistic, softmax, knn, centroid, naive-bayes", "(default: 5)", "(default: 42)",
                     "(default: 0.5)", "(default: softmax for exclusive concepts, logistic for multi-label data)"] {
            #expect(prose.contains(text), "evaluate --help lacks \(text)")
        }
    }

    @Test func topLevelHelpListsTheCommandsAndTheExitCodes() async throws {
        let run = try await crossfold(["--help"], in: try CLIWorkspace())
        #expect(run.exitCode == 0, "\(run)")
        #expect(Set(Self.documentedOptions(run.standardOutput)) == ["--version", "--help"], "\(run)")
        let subcommands = run.standardOutput.components(separatedBy: "SUBCOMMANDS:").last?.split(separator: "\n")
            .compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   "), !line.hasPrefix("  See ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            } ?? []
        // Every command README.md documents.
        let commands: Set<String> = ["evaluate", "dataset", "models", "coordinator", "worker", "submit", "jobs", "status",
                                     "watch", "cancel", "results", "clarifai", "health"]
        #expect(Set(subcommands).isSuperset(of: commands), "\(run)")
        #expect(subcommands.first == "evaluate", "\(run)")
        // The exit codes: ExitCodeTableTests.
        #expect(run.standardOutput.contains("Exit codes (every command):"), "\(run)")
    }
}

/// A learner that cannot learn the data is refused before any work, like a split that cannot
/// split it, and both name the offending row the same way (rows counted from 0).
@Suite struct LearnerSuitabilityTests {
    @Test func softmaxOnMultiLabelDataIsRefusedUpFrontLikeAStratifiedSplit() async throws {
        let workspace = try CLIWorkspace()
        let file = Repository.example("digits-attributes.csv")
        let softmax = try await crossfold(["evaluate", file, "--model", "softmax"], in: workspace)
        let stratified = try await crossfold(["evaluate", file, "--split", "stratified"], in: workspace)
        for run in [softmax, stratified] {
            #expect(run.exitCode == 64, "\(run)")
            #expect(run.standardError.contains("needs exactly one concept per row, but row 0 (id \"digit-0000\") of \(file) has 2 concepts"),
                    "\(run)")
            #expect(!run.standardError.contains("progress"), "refused before any work: \(run)")
        }
        #expect(softmax.standardError.contains("Use --model logistic"), "\(softmax)")
    }
}
