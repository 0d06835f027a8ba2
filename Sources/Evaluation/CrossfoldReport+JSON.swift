import JSON

extension CrossfoldReport {
    /// The report as a JSON object, in the layout docs/RESULTS.md documents. Undefined values are
    /// null; the 64-bit seed is a decimal string because JSON numbers (protobuf doubles) cannot
    /// hold every UInt64.
    public var json: JSONValue {
        .object([
            "format_version": .number(Double(formatVersion)),
            "mode": .string(mode.rawValue),
            "threshold": .number(threshold),
            "std_ddof": .number(Double(stdDDOF)),
            "fold_count": .number(Double(foldCount)),
            "repeat_count": .number(Double(repeatCount)),
            "run": Self.json(run),
            "summary": .object([
                "macro_roc_auc": Self.json(summary.macroROCAUC),
                "macro_avg_precision": Self.json(summary.macroAveragePrecision),
                "macro_f1": Self.json(summary.macroF1),
                "macro_precision": Self.json(summary.macroPrecision),
                "macro_recall": Self.json(summary.macroRecall),
            ]),
            "pooled": .object(Self.macroFields(pooledMacro).merging(
                ["num_predictions": .number(Double(pooledPredictionCount))]) { $1 }),
            "concepts": .array(concepts.map { row in
                .object([
                    "concept": .string(row.concept),
                    "roc_auc": Self.json(row.rocAUC),
                    "avg_precision": Self.json(row.averagePrecision),
                    "f1": Self.json(row.f1),
                    "precision": Self.json(row.precision),
                    "recall": Self.json(row.recall),
                    "pooled": .object(Self.countFields(row.pooled.counts).merging([
                        "num_pos": .number(Double(row.pooled.positives)),
                        "num_neg": .number(Double(row.pooled.negatives)),
                        "num_tot": .number(Double(row.pooled.positives + row.pooled.negatives)),
                        "roc_auc": .finite(row.pooled.rocAUC),
                        "avg_precision": .finite(row.pooled.averagePrecision),
                        "grid": row.pooled.grid.map { grid in
                            .object([
                                "tp": .array(grid.truePositives.map { .number(Double($0)) }),
                                "fp": .array(grid.falsePositives.map { .number(Double($0)) }),
                            ])
                        } ?? .null,
                    ]) { $1 }),
                ])
            }),
            "folds": .array(folds.map(Self.json)),
            "confusion_counts": .object([
                "concept_ids": .array(confusionCounts.conceptIDs.map(JSONValue.string)),
                "matrix": .array(confusionCounts.matrix.map { .array($0.map { .number(Double($0)) }) }),
            ]),
        ])
    }

    /// One task's entry in the per-fold section. Built field by field into dictionaries of their
    /// final size: a result holds one per task, and merging literals cost a job of 10,000 tasks
    /// about a tenth of its metrics' time.
    static func json(_ row: FoldRow) -> JSONValue {
        var fields = [String: JSONValue](minimumCapacity: 11)
        addMacroFields(row.macro, to: &fields)
        fields["repeat"] = .number(Double(row.repeatIndex))
        fields["fold"] = .number(Double(row.fold))
        fields["num_tot"] = .number(Double(row.rowCount))
        fields["worker"] = row.worker.map(JSONValue.string) ?? .null
        fields["seconds"] = .finite(row.seconds)
        fields["concepts"] = .array(row.concepts.map { concept in
            var fields = [String: JSONValue](minimumCapacity: 13)
            addCountFields(concept.counts, to: &fields)
            fields["concept"] = .string(concept.concept)
            fields["num_pos"] = .number(Double(concept.positives))
            fields["num_neg"] = .number(Double(concept.negatives))
            fields["roc_auc"] = .finite(concept.rocAUC)
            fields["avg_precision"] = .finite(concept.averagePrecision)
            return .object(fields)
        })
        return .object(fields)
    }

    /// The fewest bytes one task's entry in the compact per-fold section can take, with a comma, for
    /// concepts named `conceptIDs`: the entry with every number a single digit and an empty worker
    /// name. A real entry is longer (its numbers have more digits), so `tasks ×` this is a lower
    /// bound on the section, and a job over it will surely not fit the result (`JobLimits`).
    public static func minimumFoldBytes(conceptIDs: [String]) -> Int {
        let zero = ThresholdCounts(truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
        let row = FoldRow(
            repeatIndex: 0, fold: 0, rowCount: 0,
            macro: MacroValues(rocAUC: 0, averagePrecision: 0, f1: 0, precision: 0, recall: 0), worker: "", seconds: 0,
            concepts: conceptIDs.map {
                FoldConcept(concept: $0, positives: 0, negatives: 0, counts: zero, rocAUC: 0, averagePrecision: 0)
            })
        let bytes = (try? SortedJSONEncoder(pretty: false).encode(json(row)).count) ?? 0
        return bytes + 1
    }

    /// Reads a report from the JSON object `json` writes.
    ///
    /// - Throws: `CrossfoldReportError` naming the first field that is missing or mistyped, or an
    ///   unsupported `format_version`.
    public init(json: JSONValue) throws(CrossfoldReportError) {
        let root = try JSONFields(json, path: "")
        let version = try root.int("format_version")
        guard version == Self.currentFormatVersion else { throw .unsupportedVersion(version) }
        guard let mode = EvaluationMode(rawValue: try root.string("mode")) else {
            throw .invalidField(path: "mode", expected: "\"kfold\" or \"holdout\"")
        }
        let summary = try root.object("summary")
        let pooled = try root.object("pooled")

        var concepts: [ConceptRow] = []
        for row in try root.objects("concepts") {
            let pooledRow = try row.object("pooled")
            concepts.append(ConceptRow(
                concept: try row.string("concept"),
                rocAUC: try Self.statistic(row.object("roc_auc")),
                averagePrecision: try Self.statistic(row.object("avg_precision")),
                f1: try Self.statistic(row.object("f1")),
                precision: try Self.statistic(row.object("precision")),
                recall: try Self.statistic(row.object("recall")),
                pooled: PooledConcept(
                    positives: try pooledRow.int("num_pos"),
                    negatives: try pooledRow.int("num_neg"),
                    counts: try Self.counts(pooledRow),
                    rocAUC: try pooledRow.optionalNumber("roc_auc"),
                    averagePrecision: try pooledRow.optionalNumber("avg_precision"),
                    grid: try Self.grid(pooledRow)
                )
            ))
        }

        var folds: [FoldRow] = []
        var tasks: [RunDescription.TaskRecord] = []
        for row in try root.objects("folds") {
            var foldConcepts: [FoldConcept] = []
            for concept in try row.objects("concepts") {
                foldConcepts.append(FoldConcept(
                    concept: try concept.string("concept"),
                    positives: try concept.int("num_pos"),
                    negatives: try concept.int("num_neg"),
                    counts: try Self.counts(concept),
                    rocAUC: try concept.optionalNumber("roc_auc"),
                    averagePrecision: try concept.optionalNumber("avg_precision")
                ))
            }
            let fold = FoldRow(
                repeatIndex: try row.int("repeat"),
                fold: try row.int("fold"),
                rowCount: try row.int("num_tot"),
                macro: try Self.macro(row),
                worker: try row.optionalString("worker"),
                seconds: try row.optionalNumber("seconds"),
                concepts: foldConcepts
            )
            folds.append(fold)
            if fold.worker != nil || fold.seconds != nil {
                tasks.append(RunDescription.TaskRecord(repeatIndex: fold.repeatIndex, fold: fold.fold, worker: fold.worker,
                                                       duration: fold.seconds.map { Duration.seconds($0) }))
            }
        }

        let confusion = try root.object("confusion_counts")
        self.init(
            formatVersion: version,
            mode: mode,
            threshold: try root.number("threshold"),
            stdDDOF: try root.int("std_ddof"),
            foldCount: try root.int("fold_count"),
            repeatCount: try root.int("repeat_count"),
            run: try Self.run(root.object("run"), tasks: tasks),
            summary: EvaluationSummary(
                macroROCAUC: try Self.statistic(summary.object("macro_roc_auc")),
                macroF1: try Self.statistic(summary.object("macro_f1")),
                macroPrecision: try Self.statistic(summary.object("macro_precision")),
                macroRecall: try Self.statistic(summary.object("macro_recall")),
                macroAveragePrecision: try Self.statistic(summary.object("macro_avg_precision"))
            ),
            pooledMacro: try Self.macro(pooled),
            pooledPredictionCount: try pooled.int("num_predictions"),
            concepts: concepts,
            folds: folds,
            confusionCounts: ConfusionCounts(conceptIDs: try confusion.strings("concept_ids"),
                                             matrix: try confusion.intMatrix("matrix"))
        )
    }

    // MARK: - Writing

    private static func json(_ statistic: FoldStatistic) -> JSONValue {
        .object([
            "mean": .finite(statistic.mean),
            "std": .finite(statistic.standardDeviation),
            "n": .number(Double(statistic.count)),
        ])
    }

    private static func macroFields(_ macro: MacroValues) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        addMacroFields(macro, to: &fields)
        return fields
    }

    private static func addMacroFields(_ macro: MacroValues, to fields: inout [String: JSONValue]) {
        fields["macro_roc_auc"] = .finite(macro.rocAUC)
        fields["macro_avg_precision"] = .finite(macro.averagePrecision)
        fields["macro_f1"] = .finite(macro.f1)
        fields["macro_precision"] = .finite(macro.precision)
        fields["macro_recall"] = .finite(macro.recall)
    }

    private static func countFields(_ counts: ThresholdCounts) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        addCountFields(counts, to: &fields)
        return fields
    }

    private static func addCountFields(_ counts: ThresholdCounts, to fields: inout [String: JSONValue]) {
        fields["tp"] = .number(Double(counts.truePositives))
        fields["fn"] = .number(Double(counts.falseNegatives))
        fields["fp"] = .number(Double(counts.falsePositives))
        fields["tn"] = .number(Double(counts.trueNegatives))
        fields["total_predicted"] = .number(Double(counts.predictedPositives))
        fields["precision"] = .number(counts.precision)
        fields["recall"] = .number(counts.recall)
        fields["f1"] = .number(counts.f1)
    }

    private static func json(_ run: RunDescription) -> JSONValue {
        var fields = runFields(run)
        // Only jobs that asked for verification carry the key, so other results stay as they were.
        if let verification = run.verification { fields["verification"] = json(verification) }
        return .object(fields)
    }

    private static func runFields(_ run: RunDescription) -> [String: JSONValue] {
        [
            "model": .string(run.model),
            "model_params": .object(run.modelParameters.mapValues(JSONValue.string)),
            "seed": .string(String(run.seed)),
            "split": .string(run.split),
            "folds": .number(Double(run.folds)),
            "repeats": .number(Double(run.repeats)),
            "threshold": .number(run.threshold),
            "dataset": json(run.dataset),
            "holdout": run.holdout.map(json) ?? .null,
            "wall_seconds": .finite(run.wallTime?.seconds),
            "crossfold_version": run.toolVersion.map(JSONValue.string) ?? .null,
        ]
    }

    private static func json(_ file: RunDescription.DatasetFile) -> JSONValue {
        .object([
            "file": .string(file.path),
            "sha256": .string(file.sha256),
            "rows": .number(Double(file.rows)),
        ])
    }

    // MARK: - Reading

    private static func statistic(_ fields: JSONFields) throws(CrossfoldReportError) -> FoldStatistic {
        FoldStatistic(mean: try fields.optionalNumber("mean"), standardDeviation: try fields.optionalNumber("std"),
                      count: try fields.int("n"))
    }

    private static func macro(_ fields: JSONFields) throws(CrossfoldReportError) -> MacroValues {
        MacroValues(
            rocAUC: try fields.optionalNumber("macro_roc_auc"),
            averagePrecision: try fields.optionalNumber("macro_avg_precision"),
            f1: try fields.optionalNumber("macro_f1"),
            precision: try fields.optionalNumber("macro_precision"),
            recall: try fields.optionalNumber("macro_recall")
        )
    }

    /// The pooled grid counts (`{"tp": [...], "fp": [...]}`, 101 each, ascending thresholds), or nil
    /// when the file has none.
    private static func grid(_ pooled: JSONFields) throws(CrossfoldReportError) -> GridCurves? {
        guard let grid = try pooled.optionalObject("grid") else { return nil }
        let truePositives = try grid.ints("tp")
        let falsePositives = try grid.ints("fp")
        guard truePositives.count == ThresholdGrid.count else {
            throw .invalidField(path: "\(grid.path).tp", expected: "\(ThresholdGrid.count) counts")
        }
        guard falsePositives.count == ThresholdGrid.count else {
            throw .invalidField(path: "\(grid.path).fp", expected: "\(ThresholdGrid.count) counts")
        }
        return GridCurves(positives: try pooled.int("num_pos"), negatives: try pooled.int("num_neg"),
                          truePositives: truePositives, falsePositives: falsePositives)
    }

    private static func counts(_ fields: JSONFields) throws(CrossfoldReportError) -> ThresholdCounts {
        ThresholdCounts(truePositives: try fields.int("tp"), falsePositives: try fields.int("fp"),
                        falseNegatives: try fields.int("fn"), trueNegatives: try fields.int("tn"))
    }

    private static func run(_ fields: JSONFields, tasks: [RunDescription.TaskRecord]) throws(CrossfoldReportError) -> RunDescription {
        var parameters: [String: String] = [:]
        for (key, value) in try fields.object("model_params").fields {
            guard let text = value.stringValue else {
                throw .invalidField(path: "run.model_params.\(key)", expected: "a string")
            }
            parameters[key] = text
        }
        guard let seed = UInt64(try fields.string("seed")) else {
            throw .invalidField(path: "run.seed", expected: "a decimal unsigned 64-bit integer string")
        }
        var run = RunDescription(
            model: try fields.string("model"),
            modelParameters: parameters,
            seed: seed,
            split: try fields.string("split"),
            folds: try fields.int("folds"),
            repeats: try fields.int("repeats"),
            threshold: try fields.number("threshold"),
            dataset: try datasetFile(fields.object("dataset")),
            holdout: try fields.optionalObject("holdout").map { (file) throws(CrossfoldReportError) in try datasetFile(file) },
            wallTime: try fields.optionalNumber("wall_seconds").map { Duration.seconds($0) },
            tasks: tasks,
            toolVersion: try fields.optionalString("crossfold_version")
        )
        run.verification = try fields.optionalObject("verification").map { (object) throws(CrossfoldReportError) in
            try verification(object)
        }
        return run
    }

    private static func datasetFile(_ fields: JSONFields) throws(CrossfoldReportError) -> RunDescription.DatasetFile {
        RunDescription.DatasetFile(path: try fields.string("file"), sha256: try fields.string("sha256"),
                                   rows: try fields.int("rows"))
    }
}
