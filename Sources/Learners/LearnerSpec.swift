/// Which learner to run and with what hyperparameters; travels inside tasks, so it is Codable.
public struct LearnerSpec: Sendable, Codable, Hashable {
    /// Learner name: `logistic`, `softmax`, `knn`, `centroid`, `naive-bayes` (or `command`).
    public var model: String
    /// Hyperparameters as given by `--param KEY=VALUE`; each learner validates and documents its keys.
    public var params: [String: String]
    /// Seed for anything random in training; the same seed gives the same model.
    public var seed: UInt64

    public init(model: String, params: [String: String] = [:], seed: UInt64 = 42) {
        self.model = model
        self.params = params
        self.seed = seed
    }
}

extension LearnerSpec {
    /// The spec as one string (model, sorted parameters, seed), naming what a learner computed for it
    /// in `PartitionStatisticsMemo`.
    var memoKey: String {
        ([model] + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["seed=\(seed)"])
            .joined(separator: "\u{1F}")
    }
}
