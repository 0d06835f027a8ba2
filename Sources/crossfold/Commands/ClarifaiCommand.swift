import ArgumentParser
import Clarifai
import Evaluation
import Foundation
import Reports

/// `crossfold clarifai list|get|compare`: evaluations already on Clarifai.
struct ClarifaiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clarifai",
        abstract: "Read evaluations from Clarifai.",
        discussion: "Configured by CLARIFAI_* environment variables, --clarifai-config or flags; the token comes from CLARIFAI_PAT or --pat-file.",
        subcommands: [List.self, Get.self, Compare.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List evaluations of the configured model version (or of the app).")
        @Option(help: "Page of the listing, from 1.") var page: Int = 1
        @Option(help: "Evaluations per page.") var perPage: Int = 128
        @OptionGroup(title: "Clarifai") var clarifai: ClarifaiOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await reportingFailures {
                let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
                let configuration = try clarifai.configuration(logger: logger)
                let evaluations = try await RemoteEvaluator.list(
                    configuration: configuration, page: page, perPage: perPage, logger: logger)
                var lines = ["EVALUATION                        STATUS  MACRO ROC AUC  MACRO F1"]
                for evaluation in evaluations {
                    let auc = evaluation.summary?.macroAvgRocAuc.map { String(format: "%.4f", $0) } ?? "-"
                    let f1 = evaluation.summary?.macroAvgF1Score.map { String(format: "%.4f", $0) } ?? "-"
                    lines.append([(evaluation.id ?? "-").padding(34), "\(evaluation.status?.code ?? 0)".padding(8),
                                  auc.padding(15), f1].joined())
                }
                Terminal.standardOutput(lines.joined(separator: "\n") + "\n")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch one evaluation with all its parts and print it like `evaluate`.")
        @Argument(help: "The evaluation id.") var evaluationID: String
        @Option(help: "Threshold for the table.") var threshold: Double = 0.5
        @Option(help: "Write Clarifai's GetEvaluation reply to this file exactly as received; - writes it to standard output (the table then goes to standard error).")
        var json: String?
        @Option(help: "Write the evaluation as a self-contained HTML report (as `evaluate --html`) to this file; - writes it to standard output.")
        var html: String?
        @OptionGroup(title: "Clarifai") var clarifai: ClarifaiOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await reportingFailures {
                let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
                if let json { _ = try OutputPath.check(json, flag: "--json") }
                if let html { _ = try OutputPath.check(html, flag: "--html") }
                if let json, json == html {
                    throw CommandFailure(.usage, "--json and --html both write to \(json == OutputPath.standardOutputName ? "standard output" : json); give each its own file")
                }
                let configuration = try clarifai.configuration(logger: logger)
                let fetched = try await RemoteEvaluator.get(
                    configuration: configuration, evaluationID: evaluationID, logger: logger)
                try ResultsOutput.write(response: fetched.response, json: json)
                try ResultsOutput.write(metrics: fetched.metrics, html: html)
                ResultsOutput.printTable(
                    fetched.metrics, threshold: threshold,
                    toStandardError: [json, html].contains(OutputPath.standardOutputName))
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare evaluations in one table, as a sweep's (best first); without a paired test, as Clarifai keeps no per-fold scores.")
        @Argument(help: ArgumentHelp("The evaluation ids (at least two).", valueName: "evaluation-id")) var evaluationIDs: [String]
        @Option(help: ArgumentHelp("The metric to compare by: \(SelectionMetric.names).", valueName: "metric"))
        var select: String = SelectionMetric.rocAUC.rawValue
        @OptionGroup(title: "Clarifai") var clarifai: ClarifaiOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard evaluationIDs.count >= 2 else { throw ValidationError("give at least two evaluation ids to compare") }
            guard SelectionMetric(rawValue: select) != nil else {
                throw ValidationError("--select \(select) is not a metric to compare by; use one of \(SelectionMetric.names)")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
                let configuration = try clarifai.configuration(logger: logger)
                var evaluations: [EvalMetrics] = []
                for id in evaluationIDs {
                    evaluations.append(try await RemoteEvaluator.get(
                        configuration: configuration, evaluationID: id, logger: logger).metrics)
                }
                let labels = zip(evaluationIDs, evaluations).map { id, metrics in
                    metrics.model?.id.map { "\(id) (\($0))" } ?? id
                }
                guard let comparison = SweepComparison(
                    labels: labels, summaries: evaluations, metric: SelectionMetric(rawValue: select) ?? .rocAUC)
                else { return }
                Terminal.standardOutput(SweepTable.render(comparison, folds: nil, repeats: nil))
            }
        }
    }
}
