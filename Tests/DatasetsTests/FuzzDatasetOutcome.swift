import Datasets

/// What loading and validating one file came to: it loaded and validated, or the rule it broke
/// (which `crossfold dataset inspect` reports with exit code 65).
enum FuzzDatasetOutcome: Sendable, Equatable, CustomStringConvertible {
    case valid
    case rejected(DatasetError.Rule)

    /// Loads `path` (and validates it) the way `crossfold dataset inspect` does, checking on the
    /// way that a dataset that loads survives the canonical form unchanged. Returns the outcome
    /// and, when the canonical round trip breaks, what broke.
    static func evaluate(path: String) -> (outcome: FuzzDatasetOutcome, problem: String?) {
        let dataset: Dataset
        do {
            dataset = try DatasetReader.load(path: path)
        } catch {
            return (.rejected(error.rule), nil)
        }
        let problem = canonicalRoundTripProblem(dataset)
        do {
            _ = try DatasetValidator.validate(dataset, file: path)
            return (.valid, problem)
        } catch {
            return (.rejected(error.rule), problem)
        }
    }

    /// Encoding, decoding and encoding again must give the same bytes (docs/CANONICAL-FORMAT.md).
    static func canonicalRoundTripProblem(_ dataset: Dataset) -> String? {
        let bytes = CanonicalDataset.encode(dataset)
        do {
            let decoded = try CanonicalDataset.decode(bytes, file: "round trip")
            guard CanonicalDataset.encode(decoded) == bytes else { return "re-encoding a decoded dataset changed its bytes" }
            return nil
        } catch {
            return "the canonical bytes of a loaded dataset do not decode: \(error)"
        }
    }

    var description: String {
        switch self {
        case .valid: "valid"
        case .rejected(let rule): rule.rawValue
        }
    }
}

/// Counts of outcomes per format, for the test's report.
struct FuzzTally: Sendable {
    var counts: [String: [String: Int]] = [:]

    mutating func add(format: String, _ outcome: FuzzDatasetOutcome) {
        counts[format, default: [:]][outcome.description, default: 0] += 1
    }

    var description: String {
        counts.keys.sorted().map { format in
            let outcomes = counts[format] ?? [:]
            let total = outcomes.values.reduce(0, +)
            let parts = outcomes.keys.sorted().map { "\($0) \(outcomes[$0] ?? 0)" }.joined(separator: ", ")
            return "\(format): \(total) files (\(parts))"
        }.joined(separator: "; ")
    }
}
