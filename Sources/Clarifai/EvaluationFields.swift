/// The heavy parts of an evaluation a Get asks for with `fields.<name>=true`. Without them Clarifai
/// returns only the summary.
public struct EvaluationFields: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let binaryMetrics = EvaluationFields(rawValue: 1 << 0)
    public static let confusionMatrix = EvaluationFields(rawValue: 1 << 1)
    public static let cooccurrenceMatrix = EvaluationFields(rawValue: 1 << 2)
    public static let labelCounts = EvaluationFields(rawValue: 1 << 3)
    public static let metricsByClass = EvaluationFields(rawValue: 1 << 4)
    public static let testSet = EvaluationFields(rawValue: 1 << 5)
    public static let metricsByArea = EvaluationFields(rawValue: 1 << 6)

    /// Everything the reports use: per-concept metrics with curves, both matrices, label counts,
    /// per-class (detection) metrics and the per-input test set.
    public static let all: EvaluationFields = [
        .binaryMetrics, .confusionMatrix, .cooccurrenceMatrix, .labelCounts, .metricsByClass, .testSet,
    ]

    /// The query names, in a fixed order.
    var queryNames: [String] {
        let names: [(EvaluationFields, String)] = [
            (.binaryMetrics, "binary_metrics"), (.confusionMatrix, "confusion_matrix"),
            (.cooccurrenceMatrix, "cooccurrence_matrix"), (.labelCounts, "label_counts"),
            (.metricsByClass, "metrics_by_class"), (.testSet, "test_set"), (.metricsByArea, "metrics_by_area"),
        ]
        return names.filter { contains($0.0) }.map { "fields.\($0.1)" }
    }
}
