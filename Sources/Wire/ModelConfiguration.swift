/// One model and its parameters: a configuration of a sweep (docs/RESULTS.md, Sweeps).
public struct ModelConfiguration: Sendable, Codable, Hashable {
    public var model: String
    public var params: [String: String]

    public init(model: String, params: [String: String]) {
        self.model = model
        self.params = params
    }

    /// `knn k=5 weights=distance`: the model, then its parameters sorted by key.
    public var label: String {
        ([model] + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}

/// A sweep is a job whose `configurations` are set. Its tasks are configurations × repeats ×
/// folds: task `t` is configuration `t / (repeats × folds)`, and within it the task of the same
/// number in a job of that configuration alone (`ActiveJob`), so each configuration's results are
/// those of its own single run on the same fold plan.
extension JobSpec {
    /// Stands in for `model` in a sweep's spec, so a coordinator that predates sweeps refuses the
    /// job ("unknown model") instead of running one configuration of it.
    public static let sweepModel = "sweep"

    public var isSweep: Bool { configurations != nil }

    /// The configurations evaluated: a sweep's, or the one model of a plain job.
    public var configurationList: [ModelConfiguration] {
        configurations ?? [ModelConfiguration(model: model, params: params)]
    }

    /// The spec of configuration `index` run alone: what `crossfold evaluate --model M --param ...`
    /// on the same dataset, split, folds, repeats and seed would submit. Its result is the sweep's
    /// result for that configuration, evaluation id included.
    public func singleRun(_ index: Int) -> JobSpec {
        let configuration = configurationList[index]
        var single = self
        single.model = configuration.model
        single.params = configuration.params
        single.configurations = nil
        return single
    }
}
