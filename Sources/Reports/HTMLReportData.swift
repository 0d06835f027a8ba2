import Evaluation

/// What the HTML report's script draws, built from an `EvalMetrics` alone (a crossfold result or
/// one fetched from Clarifai) and embedded in the page as JSON. Numbers the result leaves undefined
/// are null; nothing here is NaN.
struct HTMLReportData: Encodable {
    struct Statistic: Encodable {
        var mean: Double?
        var std: Double?
        var pooled: Double?
    }

    struct ConceptRow: Encodable {
        var concept: String
        var rocAUC: Double?
        var rocAUCStd: Double?
        var averagePrecision: Double?
        var numPos: Int?
        var numNeg: Int?
    }

    /// Counts at each of the 101 grid thresholds (ascending): exact, from the crossfold block.
    struct Grid: Encodable {
        var positives: Int
        var negatives: Int
        var tp: [Int]
        var fp: [Int]
    }

    /// Rates at each grid threshold (ascending), from `binary_metrics` (averaged over splits).
    struct Rates: Encodable {
        var tpr: [Double]
        var fpr: [Double]
        var precision: [Double]
    }

    struct Fold: Encodable {
        var label: String
        /// Per concept, in `concepts` order.
        var rocAUC: [Double?]
    }

    struct Input: Encodable {
        var id: String
        /// Concept indices of the input's true concepts.
        var truth: [Int]
        /// Probability per concept index (0 where the result lists none).
        var scores: [Double]
    }

    var title: String
    var source: String
    /// Label and value pairs describing the run.
    var run: [[String]]
    var threshold: Double
    var foldCount: Int?
    var summary: [String: Statistic]
    var concepts: [String]
    var rows: [ConceptRow]
    /// How the table's counts are read: `pooled` (exact grid counts) or `curves` (Clarifai's SDK way).
    var countsFrom: String
    var grid: [Grid]?
    var rates: [Rates?]
    var confusionValues: [[Double?]]?
    var confusionCounts: [[Int]]?
    var cooccurrence: [[Int]]?
    var folds: [Fold]?
    var inputs: [Input]
    var inputsNote: String
    var notes: [String]
}

extension HTMLReportData {
    /// Confusion matrices larger than this many concepts are left out of the page (a million cells
    /// and more); the table, curves and per-fold figures stay.
    static let largestMatrix = 1000

    init(_ metrics: EvalMetrics, title: String) {
        let report = (try? CrossfoldReport(metrics: metrics)) ?? nil
        let binary = metrics.binaryMetrics ?? []
        let concepts = report?.concepts.map(\.concept) ?? binary.compactMap { $0.concept?.id }
        let index = Dictionary(concepts.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let binaryByConcept = Dictionary(binary.compactMap { entry in entry.concept.map { ($0.id, entry) } },
                                         uniquingKeysWith: { first, _ in first })
        var notes: [String] = []

        self.title = title
        source = report == nil ? "clarifai" : "crossfold"
        threshold = report?.threshold ?? 0.5
        foldCount = report.map { $0.foldCount * $0.repeatCount }
        self.concepts = concepts
        run = Self.describe(metrics, report: report, concepts: concepts.count)

        let summary = metrics.summary ?? MetricsSummary()
        if let report {
            self.summary = [
                "roc_auc": Statistic(mean: report.summary.macroROCAUC.mean, std: report.summary.macroROCAUC.standardDeviation,
                                     pooled: report.pooledMacro.rocAUC),
                "f1": Statistic(mean: report.summary.macroF1.mean, std: report.summary.macroF1.standardDeviation,
                                pooled: report.pooledMacro.f1),
                "precision": Statistic(mean: report.summary.macroPrecision.mean, std: report.summary.macroPrecision.standardDeviation,
                                       pooled: report.pooledMacro.precision),
                "recall": Statistic(mean: report.summary.macroRecall.mean, std: report.summary.macroRecall.standardDeviation,
                                    pooled: report.pooledMacro.recall),
            ]
        } else {
            self.summary = [
                "roc_auc": Statistic(mean: Self.finite(summary.macroAvgRocAuc), std: Self.finite(summary.macroStdRocAuc)),
                "f1": Statistic(mean: Self.finite(summary.macroAvgF1Score), std: Self.finite(summary.macroStdF1Score)),
                "precision": Statistic(mean: Self.finite(summary.macroAvgPrecision)),
                "recall": Statistic(mean: Self.finite(summary.macroAvgRecall)),
            ]
        }

        rows = concepts.enumerated().map { position, concept in
            let entry = binaryByConcept[concept]
            let row = report?.concepts[position]
            return ConceptRow(
                concept: concept,
                rocAUC: row?.rocAUC.mean ?? Self.finite(entry?.rocAuc),
                rocAUCStd: row?.rocAUC.standardDeviation,
                averagePrecision: row?.averagePrecision.mean ?? Self.finite(entry?.avgPrecision),
                numPos: entry?.numPos,
                numNeg: entry?.numNeg)
        }
        let grids = report?.concepts.compactMap { row in
            row.pooled.grid.map { Grid(positives: $0.positives, negatives: $0.negatives, tp: $0.truePositives, fp: $0.falsePositives) }
        }
        if let grids, grids.count == concepts.count {
            grid = grids
            countsFrom = "pooled"
        } else {
            grid = nil
            countsFrom = "curves"
        }
        rates = concepts.map { concept in binaryByConcept[concept].flatMap(Self.rates) }

        if concepts.count <= Self.largestMatrix {
            confusionValues = Self.confusionValues(metrics.confusionMatrix, index: index, count: concepts.count)
            confusionCounts = report.flatMap { report -> [[Int]]? in
                let ids = report.confusionCounts.conceptIDs
                guard Set(ids) == Set(concepts), report.confusionCounts.matrix.count == ids.count else { return nil }
                let position = ids.map { index[$0] ?? 0 }
                var counts = [[Int]](repeating: [Int](repeating: 0, count: concepts.count), count: concepts.count)
                for (r, row) in report.confusionCounts.matrix.enumerated() {
                    for (c, value) in row.enumerated() where c < ids.count { counts[position[r]][position[c]] = value }
                }
                return counts
            }
            cooccurrence = Self.cooccurrence(metrics.cooccurrenceMatrix, index: index, count: concepts.count)
        } else {
            notes.append("The confusion and co-occurrence matrices of \(concepts.count) concepts are left out (more than "
                + "\(Self.largestMatrix)); the JSON result has them.")
        }

        folds = report.map { report in
            report.folds.map { fold in
                Fold(label: report.repeatCount > 1 ? "repeat \(fold.repeatIndex) fold \(fold.fold)" : "fold \(fold.fold)",
                     rocAUC: fold.concepts.map(\.rocAUC))
            }
        }

        inputs = (metrics.testSet ?? []).compactMap { entry in
            guard let id = entry.input?.id else { return nil }
            var scores = [Double](repeating: 0, count: concepts.count)
            for concept in entry.predictedConcepts ?? [] {
                if let position = index[concept.id], let value = concept.value, value.isFinite { scores[position] = value }
            }
            let truth = (entry.groundTruthConcepts ?? []).compactMap { index[$0.id] }
            return Input(id: id, truth: truth, scores: scores)
        }
        inputsNote = inputs.isEmpty
            ? "The result lists no inputs (test_set), so a cell cannot show the inputs behind it."
            : "From the result's test_set: \(inputs.count) inputs"
                + (source == "crossfold" ? " (one split unless the run asked for --test-set all)." : ".")
        self.notes = notes
    }

    private static func finite(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// The curves as rates at ascending grid thresholds, when they have 101 points.
    private static func rates(_ binary: BinaryMetrics) -> Rates? {
        guard let roc = binary.rocCurve, let pr = binary.precisionRecallCurve,
              let fpr = roc.fpr, let tpr = roc.tpr, let precision = pr.precision,
              fpr.count == ThresholdGrid.count, tpr.count == ThresholdGrid.count, precision.count == ThresholdGrid.count
        else { return nil }
        // ROC thresholds run 1.00 → 0.00 (Clarifai's order); PR thresholds 0.00 → 1.00.
        let descending = (roc.thresholds?.first ?? 1) > (roc.thresholds?.last ?? 0)
        let ascendingPR = (pr.thresholds?.first ?? 0) <= (pr.thresholds?.last ?? 1)
        func clean(_ values: [Double]) -> [Double] { values.map { $0.isFinite ? $0 : 0 } }
        return Rates(
            tpr: clean(descending ? tpr.reversed() : tpr),
            fpr: clean(descending ? fpr.reversed() : fpr),
            precision: clean(ascendingPR ? precision : precision.reversed()))
    }

    private static func confusionValues(_ matrix: ConfusionMatrix?, index: [String: Int], count: Int) -> [[Double?]]? {
        guard let entries = matrix?.matrix, !entries.isEmpty else { return nil }
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: count), count: count)
        for entry in entries {
            guard let actual = entry.actual.flatMap({ index[$0] }), let predicted = entry.predicted.flatMap({ index[$0] }) else {
                continue
            }
            values[actual][predicted] = finite(entry.value) ?? 0
        }
        return values
    }

    /// The co-occurrence counts, when some input has several concepts (exclusive data has only a
    /// diagonal, which the table already shows).
    private static func cooccurrence(_ matrix: CooccurrenceMatrix?, index: [String: Int], count: Int) -> [[Int]]? {
        guard let entries = matrix?.matrix else { return nil }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: count), count: count)
        var offDiagonal = false
        for entry in entries {
            guard let row = entry.row.flatMap({ index[$0] }), let column = entry.col.flatMap({ index[$0] }) else { continue }
            counts[row][column] = entry.count ?? 0
            if row != column, (entry.count ?? 0) > 0 { offDiagonal = true }
        }
        return offDiagonal ? counts : nil
    }

    private static func describe(_ metrics: EvalMetrics, report: CrossfoldReport?, concepts: Int) -> [[String]] {
        guard let report else {
            var lines = [["source", "Clarifai evaluation"]]
            if let id = metrics.id { lines.append(["evaluation", id]) }
            if let model = metrics.model {
                let version = model.modelVersion?.id.map { " version \($0)" } ?? ""
                lines.append(["model", (model.id ?? "?") + version])
            }
            if let dataset = metrics.groundTruthDataset?.id, !dataset.isEmpty { lines.append(["dataset", dataset]) }
            lines.append(["concepts", "\(concepts)"])
            if case .bool(let kfold)? = metrics.evalInfo?.params?["use_kfold"] {
                lines.append(["method", kfold ? "K-split cross validation (Clarifai's K)" : "holdout"])
            }
            return lines
        }
        let run = report.run
        var lines: [[String]] = [
            ["dataset", "\(run.dataset.path) (\(run.dataset.rows) rows)"],
            ["dataset SHA-256", run.dataset.sha256],
        ]
        if let holdout = run.holdout {
            lines.append(["holdout", "\(holdout.path) (\(holdout.rows) rows), SHA-256 \(holdout.sha256)"])
        }
        lines.append(["concepts", "\(concepts)"])
        if report.mode == .holdout {
            lines.append(["method", "holdout: trained on the dataset, scored on the holdout"])
        } else {
            lines.append(["folds × repeats", "\(report.foldCount) × \(report.repeatCount), split \(run.split)"])
        }
        let parameters = run.modelParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append(["model", run.model + (parameters.isEmpty ? "" : " (" + parameters.joined(separator: ", ") + ")")])
        lines.append(["seed", String(run.seed)])
        lines.append(["threshold", String(report.threshold)])
        let workers = Set(run.tasks.compactMap(\.worker))
        if !workers.isEmpty { lines.append(["workers", "\(workers.count): " + workers.sorted().joined(separator: ", ")]) }
        if let wall = run.wallTime {
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            lines.append(["time", String(format: "%.2f s", seconds)])
        }
        if let version = run.toolVersion { lines.append(["crossfold", version]) }
        return lines
    }
}
