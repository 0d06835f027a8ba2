import JSON

/// Clarifai's `clarifai.api.EvalMetrics` message in its REST JSON shape: snake_case proto field
/// names, numeric status codes, floats as JSON numbers.
///
/// Every field is optional because Clarifai omits default values and "heavy" parts unless asked
/// (`fields.binary_metrics=true`, ...). Decoding ignores keys it does not know, so newer server
/// replies still read; encoding writes only the fields that are set and adds no key Clarifai's
/// message lacks: crossfold's extras live in `extended_metrics.user_metrics`.
public struct EvalMetrics: Sendable, Equatable, Codable {
    public var status: EvalStatus?
    public var id: String?
    public var userID: String?
    public var appID: String?
    public var model: ModelReference?
    public var groundTruthDataset: DatasetReference?
    public var predictionsDataset: DatasetReference?
    public var summary: MetricsSummary?
    public var confusionMatrix: ConfusionMatrix?
    public var cooccurrenceMatrix: CooccurrenceMatrix?
    public var labelCounts: LabelDistribution?
    public var binaryMetrics: [BinaryMetrics]?
    public var testSet: [EvalTestSetEntry]?
    public var metricsByArea: [BinaryMetrics]?
    public var metricsByClass: [BinaryMetrics]?
    public var evalInfo: EvalInfo?
    public var extendedMetrics: ExtendedMetrics?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case status, id, model, summary
        case userID = "user_id"
        case appID = "app_id"
        case groundTruthDataset = "ground_truth_dataset"
        case predictionsDataset = "predictions_dataset"
        case confusionMatrix = "confusion_matrix"
        case cooccurrenceMatrix = "cooccurrence_matrix"
        case labelCounts = "label_counts"
        case binaryMetrics = "binary_metrics"
        case testSet = "test_set"
        case metricsByArea = "metrics_by_area"
        case metricsByClass = "metrics_by_class"
        case evalInfo = "eval_info"
        case extendedMetrics = "extended_metrics"
    }
}

/// `clarifai.api.status.Status`, the fields crossfold reads and writes.
public struct EvalStatus: Sendable, Equatable, Codable {
    public var code: Int
    public var description: String?
    public var details: String?
    public var reqID: String?
    public var percentCompleted: Int?
    public var timeRemaining: Int?
    public var developerNotes: String?

    public init(code: Int, description: String? = nil, details: String? = nil) {
        self.code = code
        self.description = description
        self.details = details
    }

    /// 21300: the evaluation finished.
    public static let evaluated = 21300
    /// 21301: the evaluation is running.
    public static let evaluating = 21301
    /// 21302: not evaluated yet.
    public static let notEvaluated = 21302
    /// 21303: queued.
    public static let queued = 21303
    /// 21317: failed (the generic failure code).
    public static let failed = 21317

    enum CodingKeys: String, CodingKey {
        case code, description, details
        case reqID = "req_id"
        case percentCompleted = "percent_completed"
        case timeRemaining = "time_remaining"
        case developerNotes = "developer_notes"
    }
}

/// `clarifai.api.MetricsSummary`.
public struct MetricsSummary: Sendable, Equatable, Codable {
    public var top1Accuracy: Double?
    public var top5Accuracy: Double?
    public var macroAvgRocAuc: Double?
    public var macroStdRocAuc: Double?
    public var macroAvgF1Score: Double?
    public var macroStdF1Score: Double?
    public var macroAvgPrecision: Double?
    public var macroAvgRecall: Double?
    public var meanAvgPrecisionIou50: Double?
    public var meanAvgPrecisionIouRange: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case top1Accuracy = "top1_accuracy"
        case top5Accuracy = "top5_accuracy"
        case macroAvgRocAuc = "macro_avg_roc_auc"
        case macroStdRocAuc = "macro_std_roc_auc"
        case macroAvgF1Score = "macro_avg_f1_score"
        case macroStdF1Score = "macro_std_f1_score"
        case macroAvgPrecision = "macro_avg_precision"
        case macroAvgRecall = "macro_avg_recall"
        case meanAvgPrecisionIou50 = "mean_avg_precision_iou_50"
        case meanAvgPrecisionIouRange = "mean_avg_precision_iou_range"
    }
}

/// `clarifai.api.Concept`, the fields an evaluation uses.
public struct Concept: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    public var value: Double?
    public var appID: String?
    public var userID: String?

    public init(id: String, name: String? = nil, value: Double? = nil) {
        self.id = id
        self.name = name
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case id, name, value
        case appID = "app_id"
        case userID = "user_id"
    }
}

/// `clarifai.api.BinaryMetrics`: one concept's metrics (classification uses the first nine fields).
public struct BinaryMetrics: Sendable, Equatable, Codable {
    public var numPos: Int?
    public var numNeg: Int?
    public var numTot: Int?
    public var rocAuc: Double?
    public var f1: Double?
    public var concept: Concept?
    public var rocCurve: ROCCurve?
    public var precisionRecallCurve: PrecisionRecallCurve?
    public var avgPrecision: Double?
    public var areaName: String?
    public var areaMin: Double?
    public var areaMax: Double?
    public var iou: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case f1, concept, iou
        case numPos = "num_pos"
        case numNeg = "num_neg"
        case numTot = "num_tot"
        case rocAuc = "roc_auc"
        case rocCurve = "roc_curve"
        case precisionRecallCurve = "precision_recall_curve"
        case avgPrecision = "avg_precision"
        case areaName = "area_name"
        case areaMin = "area_min"
        case areaMax = "area_max"
    }
}

/// `clarifai.api.ROC`: thresholds run descending 1.00 → 0.00 on Clarifai's 101-point grid.
public struct ROCCurve: Sendable, Equatable, Codable {
    public var fpr: [Double]?
    public var tpr: [Double]?
    public var thresholds: [Double]?
    public var fprPerImage: [Double]?
    public var fprPerObject: [Double]?

    public init(fpr: [Double], tpr: [Double], thresholds: [Double]) {
        self.fpr = fpr
        self.tpr = tpr
        self.thresholds = thresholds
    }

    enum CodingKeys: String, CodingKey {
        case fpr, tpr, thresholds
        case fprPerImage = "fpr_per_image"
        case fprPerObject = "fpr_per_object"
    }
}

/// `clarifai.api.PrecisionRecallCurve`: thresholds run ascending 0.00 → 1.00.
public struct PrecisionRecallCurve: Sendable, Equatable, Codable {
    public var recall: [Double]?
    public var precision: [Double]?
    public var thresholds: [Double]?

    public init(recall: [Double], precision: [Double], thresholds: [Double]) {
        self.recall = recall
        self.precision = precision
        self.thresholds = thresholds
    }
}

/// `clarifai.api.ConfusionMatrix`.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public var matrix: [ConfusionMatrixEntry]?
    public var conceptIDs: [String]?

    public init(matrix: [ConfusionMatrixEntry], conceptIDs: [String]) {
        self.matrix = matrix
        self.conceptIDs = conceptIDs
    }

    enum CodingKeys: String, CodingKey {
        case matrix
        case conceptIDs = "concept_ids"
    }
}

/// `clarifai.api.ConfusionMatrixEntry`: `value` is the average predicted probability of
/// `predicted` over inputs labelled `actual`.
public struct ConfusionMatrixEntry: Sendable, Equatable, Codable {
    public var predicted: String?
    public var actual: String?
    public var value: Double?
    public var predictedConcept: Concept?
    public var actualConcept: Concept?

    public init(predicted: String, actual: String, value: Double) {
        self.predicted = predicted
        self.actual = actual
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case predicted, actual, value
        case predictedConcept = "predicted_concept"
        case actualConcept = "actual_concept"
    }
}

/// `clarifai.api.CooccurrenceMatrix`.
public struct CooccurrenceMatrix: Sendable, Equatable, Codable {
    public var matrix: [CooccurrenceMatrixEntry]?
    public var conceptIDs: [String]?

    public init(matrix: [CooccurrenceMatrixEntry], conceptIDs: [String]) {
        self.matrix = matrix
        self.conceptIDs = conceptIDs
    }

    enum CodingKeys: String, CodingKey {
        case matrix
        case conceptIDs = "concept_ids"
    }
}

/// `clarifai.api.CooccurrenceMatrixEntry`: inputs labelled with both `row` and `col`.
public struct CooccurrenceMatrixEntry: Sendable, Equatable, Codable {
    public var row: String?
    public var col: String?
    public var count: Int?

    public init(row: String, col: String, count: Int) {
        self.row = row
        self.col = col
        self.count = count
    }
}

/// `clarifai.api.LabelDistribution`.
public struct LabelDistribution: Sendable, Equatable, Codable {
    public var positiveLabelCounts: [LabelCount]?

    public init(positiveLabelCounts: [LabelCount]) {
        self.positiveLabelCounts = positiveLabelCounts
    }

    enum CodingKeys: String, CodingKey {
        case positiveLabelCounts = "positive_label_counts"
    }
}

/// `clarifai.api.LabelCount`.
public struct LabelCount: Sendable, Equatable, Codable {
    public var conceptName: String?
    public var count: Int?
    public var concept: Concept?

    public init(concept: Concept, count: Int) {
        self.concept = concept
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case count, concept
        case conceptName = "concept_name"
    }
}

/// `clarifai.api.EvalTestSetEntry`: one evaluated input with its predicted and true concepts.
public struct EvalTestSetEntry: Sendable, Equatable, Codable {
    public var input: EvalInput?
    public var predictedConcepts: [Concept]?
    public var groundTruthConcepts: [Concept]?

    public init(input: EvalInput, predictedConcepts: [Concept], groundTruthConcepts: [Concept]) {
        self.input = input
        self.predictedConcepts = predictedConcepts
        self.groundTruthConcepts = groundTruthConcepts
    }

    enum CodingKeys: String, CodingKey {
        case input
        case predictedConcepts = "predicted_concepts"
        case groundTruthConcepts = "ground_truth_concepts"
    }
}

/// `clarifai.api.Input`, by id only.
public struct EvalInput: Sendable, Equatable, Codable {
    public var id: String?
    public init(id: String) { self.id = id }
}

/// `clarifai.api.EvalInfo`: `params` steers the run (`dataset_id`, `use_kfold`, ...).
public struct EvalInfo: Sendable, Equatable, Codable {
    public var params: JSONValue?
    public init(params: JSONValue? = nil) { self.params = params }
}

/// `clarifai.api.ExtendedMetrics`: a free JSON object.
public struct ExtendedMetrics: Sendable, Equatable, Codable {
    public var userMetrics: JSONValue?
    public init(userMetrics: JSONValue? = nil) { self.userMetrics = userMetrics }

    enum CodingKeys: String, CodingKey {
        case userMetrics = "user_metrics"
    }
}

/// `clarifai.api.Model` as an evaluation references it.
public struct ModelReference: Sendable, Equatable, Codable {
    public var id: String?
    public var appID: String?
    public var userID: String?
    public var modelVersion: VersionReference?
    public var modelTypeID: String?

    public init(id: String? = nil, appID: String? = nil, userID: String? = nil, versionID: String? = nil) {
        self.id = id
        self.appID = appID
        self.userID = userID
        self.modelVersion = versionID.map(VersionReference.init(id:))
    }

    enum CodingKeys: String, CodingKey {
        case id
        case appID = "app_id"
        case userID = "user_id"
        case modelVersion = "model_version"
        case modelTypeID = "model_type_id"
    }
}

/// `clarifai.api.Dataset` as an evaluation references it.
public struct DatasetReference: Sendable, Equatable, Codable {
    public var id: String?
    public var appID: String?
    public var userID: String?
    public var version: VersionReference?

    public init(id: String? = nil, appID: String? = nil, userID: String? = nil, versionID: String? = nil) {
        self.id = id
        self.appID = appID
        self.userID = userID
        self.version = versionID.map(VersionReference.init(id:))
    }

    enum CodingKeys: String, CodingKey {
        case id, version
        case appID = "app_id"
        case userID = "user_id"
    }
}

/// A nested `{ "id": ... }` (model version, dataset version).
public struct VersionReference: Sendable, Equatable, Codable {
    public var id: String?
    public init(id: String?) { self.id = id }
}
