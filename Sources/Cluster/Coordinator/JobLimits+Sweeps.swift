import Learners
import Wire

extension JobLimits {
    /// Most configurations one sweep may have (`ModelGrid.maxConfigurations`, the command line's):
    /// each configuration's result is a whole EvalMetrics (tens of KB with curves for a few
    /// concepts) held at once while the sweep's JSON is built, and a comparison of more than this is
    /// no longer read by a person.
    public static let maxConfigurations = ModelGrid.maxConfigurations

    /// Why a sweep of `configurations` configurations of `tasksPerConfiguration` tasks each is
    /// refused, or nil when it is within the limits. Every task is scheduled and stored like any
    /// job's, so on the coordinator the sweep as a whole also keeps to what its memory allows
    /// (`memoryRefusal`).
    public static func refusal(configurations: Int, tasksPerConfiguration: Int) -> String? {
        if configurations > maxConfigurations {
            return ModelGrid.tooManyConfigurations("\(configurations)")
        }
        if configurations.multipliedReportingOverflow(by: max(1, tasksPerConfiguration)).overflow {
            return "the grid's \(configurations) configurations × \(tasksPerConfiguration == .max ? "more folds × repeats than can be counted" : "\(tasksPerConfiguration) tasks each") make too many tasks: "
                + "give fewer values per parameter, fewer folds or repeats, or split the grid over several sweeps"
        }
        return nil
    }
}

/// What the coordinator checks of a sweep, beyond what it checks of every job.
enum SweepRules {
    /// Why a sweep spec is refused before its plan is built, or nil.
    static func refusal(_ spec: JobSpec) -> String? {
        guard let configurations = spec.configurations else { return nil }
        if configurations.isEmpty { return "the sweep lists no configuration; give at least one --model" }
        if spec.holdout != nil {
            return "a sweep compares configurations over the folds of one plan; drop --holdout, or run one model per holdout evaluation"
        }
        var seen: Set<ModelConfiguration> = []
        for configuration in configurations where !seen.insert(configuration).inserted {
            return "configuration '\(configuration.label)' appears twice in the sweep; list each once"
        }
        return JobLimits.refusal(configurations: configurations.count, tasksPerConfiguration: spec.folds * spec.repeats)
    }
}
