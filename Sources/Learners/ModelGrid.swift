/// The configurations `--model` arguments name (docs/RESULTS.md, Sweeps): `NAME` alone, or
/// `NAME:KEY=V1,V2,...[:KEY=V1,...]`, whose configurations are the cartesian product of its
/// lists, keys varying in the order given, the last fastest. Several `--model`s are swept together,
/// their configurations in the order given. Pure: the CLI checks a grid with it before any work.
public enum ModelGrid {
    /// Most configurations a sweep may have (`JobLimits.maxConfigurations` on the coordinator).
    public static let maxConfigurations = 1_000

    /// The refusal of a grid of `count` configurations, past `maxConfigurations`: the command line's
    /// and the coordinator's.
    public static func tooManyConfigurations(_ count: String) -> String {
        "the grid has \(count) configurations; a sweep may have at most \(maxConfigurations): "
            + "give fewer values per parameter, or split the grid over several sweeps"
    }

    /// Whether these arguments make a sweep rather than today's plain `--model X --param K=V`: more
    /// than one `--model`, or a `--model` with its own parameter lists.
    public static func isSweep(_ models: [String]) -> Bool {
        models.count > 1 || models.contains { $0.contains(":") }
    }

    /// The configurations of `models`, each checked against the catalogue (`LearnerCatalog.validate`)
    /// with `seed`. `params` (`--param`) join the grid of a single `--model` as one-value lists.
    ///
    /// - Throws: `ModelGridError` for a malformed argument, a parameter given twice, `--param` with
    ///   several models, an unknown model or parameter or a bad value, a configuration listed twice,
    ///   or more than `maxConfigurations`; each says what to write instead.
    public static func configurations(
        models: [String], params: [String: String], seed: UInt64
    ) throws(ModelGridError) -> [LearnerSpec] {
        if models.count > 1, !params.isEmpty {
            throw ModelGridError(
                "--param applies to a single --model; with several, give each model's values in its own "
                    + "--model MODEL:KEY=VALUES (e.g. --model logistic:C=0.1,1 --model knn:k=5,15)")
        }
        var grids: [(argument: String, model: String, lists: [(key: String, values: [String])])] = []
        for argument in models {
            var (model, lists) = try parse(argument)
            for (key, value) in params.sorted(by: { $0.key < $1.key }) {
                guard !lists.contains(where: { $0.key == key }) else {
                    throw ModelGridError("--param \(key)=\(value) and --model \(argument) both set \(key); give its values in one place")
                }
                lists.append((key, [value]))
            }
            grids.append((argument, model, lists))
        }
        var total = 0
        for grid in grids {
            var count = 1
            for list in grid.lists {
                let (product, overflow) = count.multipliedReportingOverflow(by: list.values.count)
                count = overflow ? Int.max : product
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            total = overflow ? Int.max : sum
        }
        guard total <= maxConfigurations else {
            throw ModelGridError(tooManyConfigurations(total == Int.max ? "too many" : "\(total)"))
        }
        var configurations: [LearnerSpec] = []
        var seen: Set<LearnerSpec> = []
        for grid in grids {
            var combinations: [[String: String]] = [[:]]
            for list in grid.lists {
                combinations = combinations.flatMap { partial in
                    list.values.map { value in partial.merging([list.key: value]) { _, new in new } }
                }
            }
            for params in combinations {
                let spec = LearnerSpec(model: grid.model, params: params, seed: seed)
                do {
                    try LearnerCatalog.validate(spec)
                } catch {
                    throw ModelGridError("--model \(grid.argument): \(error.description)")
                }
                guard seen.insert(spec).inserted else {
                    throw ModelGridError(
                        "configuration '\(label(spec))' appears twice in the grid (from --model \(grid.argument)); list each value once")
                }
                configurations.append(spec)
            }
        }
        return configurations
    }

    /// `knn k=5 weights=distance`: the model, then its parameters sorted by key.
    public static func label(_ spec: LearnerSpec) -> String {
        ([spec.model] + spec.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }

    /// `NAME:KEY=V1,V2:KEY=...` as the model and its lists, in order.
    static func parse(_ argument: String) throws(ModelGridError) -> (model: String, lists: [(key: String, values: [String])]) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let model = parts[0]
        let example = "--model logistic:C=0.1,1,10 or --model knn:k=5,15:weights=uniform,distance"
        guard !model.isEmpty else {
            throw ModelGridError("--model \(argument) names no model; write MODEL or MODEL:KEY=V1,V2,... (\(example))")
        }
        var lists: [(key: String, values: [String])] = []
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex else {
                throw ModelGridError(
                    "--model \(argument): '\(part)' is not KEY=V1,V2,...; separate parameters with ':' (\(example))")
            }
            let key = String(part[..<equals])
            let values = part[part.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !values.contains(where: \.isEmpty) else {
                throw ModelGridError(
                    "--model \(argument) gives \(key) an empty value; list its values after '=', separated by commas "
                        + "(--model \(model):\(key)=V1,V2,...)")
            }
            guard !lists.contains(where: { $0.key == key }) else {
                throw ModelGridError("--model \(argument) lists \(key) twice; put all its values in one list (\(key)=V1,V2,...)")
            }
            lists.append((key, values))
        }
        return (model, lists)
    }
}

/// A `--model` grid that cannot be swept, with what to write instead.
public struct ModelGridError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
