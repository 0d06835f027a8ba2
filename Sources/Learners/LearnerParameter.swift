/// One hyperparameter a learner accepts through `--param KEY=VALUE`: its key, the values it takes,
/// its default and what it changes. `LearnerCatalog.documentation` is built from these.
public struct LearnerParameter: Sendable, Equatable {
    /// The values a parameter accepts.
    public enum Domain: Sendable, Equatable {
        /// A finite number greater than `lowerBound` (or equal to it when `inclusive`).
        case real(lowerBound: Double, inclusive: Bool)
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// `true`/`false` (also `1`/`0`, `yes`/`no`).
        case flag
        /// One of the listed words.
        case choice([String])
        /// Any text without control characters (a path); empty only as a default that means "not given".
        case text
    }

    public let key: String
    public let domain: Domain
    /// The value used when `--param` does not name the key, written as a user would type it.
    public let defaultValue: String
    /// What the parameter changes, in one sentence.
    public let meaning: String

    public init(key: String, domain: Domain, defaultValue: String, meaning: String) {
        self.key = key
        self.domain = domain
        self.defaultValue = defaultValue
        self.meaning = meaning
    }

    /// The accepted values in words, e.g. `a number > 0` or `one of uniform, distance`.
    public var accepted: String {
        switch domain {
        case .real(let lower, let inclusive):
            "a number \(inclusive ? ">=" : ">") \(Self.format(lower))"
        case .integer(let range):
            "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .flag:
            "true or false"
        case .choice(let words):
            "one of \(words.joined(separator: ", "))"
        case .text:
            "a path"
        }
    }

    /// `key (accepted, default D)`, the form error messages list valid keys in.
    public var summary: String {
        "\(key) (\(accepted), \(defaultValue.isEmpty ? "required" : "default \(defaultValue)"))"
    }

    /// Parses `text` into a value of this parameter, or returns nil when `text` is outside the domain.
    func parse(_ text: String) -> ParameterValue? {
        let trimmed = text.trimmingSpaces
        switch domain {
        case .real(let lower, let inclusive):
            guard let value = Double(trimmed), value.isFinite else { return nil }
            guard inclusive ? value >= lower : value > lower else { return nil }
            return .real(value)
        case .integer(let range):
            guard let value = Int(trimmed), range.contains(value) else { return nil }
            return .integer(value)
        case .flag:
            switch trimmed.lowercased() {
            case "true", "1", "yes": return .flag(true)
            case "false", "0", "no": return .flag(false)
            default: return nil
            }
        case .choice(let words):
            return words.contains(trimmed) ? .choice(trimmed) : nil
        case .text:
            return trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) ? nil : .text(trimmed)
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A parsed parameter value.
enum ParameterValue: Sendable, Equatable {
    case real(Double)
    case integer(Int)
    case flag(Bool)
    case choice(String)
    case text(String)
}

/// A learner's parameters after validation: every documented key has a value (given or default).
struct ParameterValues: Sendable {
    private let values: [String: ParameterValue]

    /// Validates `given` against `parameters`. Throws `badParameter` naming the key, the value and
    /// what is accepted, and every message lists the model's valid keys with ranges and defaults.
    init(model: String, parameters: [LearnerParameter], given: [String: String]) throws(LearnerError) {
        var values: [String: ParameterValue] = [:]
        for parameter in parameters {
            guard let value = parameter.parse(parameter.defaultValue) else {
                preconditionFailure("default of \(model).\(parameter.key) must be in its domain")
            }
            values[parameter.key] = value
        }
        let valid = parameters.isEmpty
            ? "model '\(model)' takes no parameters"
            : "valid keys for '\(model)': " + parameters.map(\.summary).joined(separator: "; ")
        for key in given.keys.sorted() {
            let text = given[key] ?? ""
            guard let parameter = parameters.first(where: { $0.key == key }) else {
                throw LearnerError(.badParameter, "unknown parameter '\(key)' for model '\(model)'; \(valid)")
            }
            guard let value = parameter.parse(text) else {
                throw LearnerError(
                    .badParameter,
                    "parameter \(key)=\(text) for model '\(model)' is not valid: expected \(parameter.accepted); \(valid)"
                )
            }
            values[key] = value
        }
        self.values = values
    }

    func real(_ key: String) -> Double {
        guard case .real(let value)? = values[key] else { preconditionFailure("\(key) is not a real parameter") }
        return value
    }

    func integer(_ key: String) -> Int {
        guard case .integer(let value)? = values[key] else { preconditionFailure("\(key) is not an integer parameter") }
        return value
    }

    func flag(_ key: String) -> Bool {
        guard case .flag(let value)? = values[key] else { preconditionFailure("\(key) is not a flag parameter") }
        return value
    }

    func text(_ key: String) -> String {
        guard case .text(let value)? = values[key] else { preconditionFailure("\(key) is not a text parameter") }
        return value
    }

    func choice(_ key: String) -> String {
        guard case .choice(let value)? = values[key] else { preconditionFailure("\(key) is not a choice parameter") }
        return value
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (no Foundation needed).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
