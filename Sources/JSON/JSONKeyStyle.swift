import Synchronization

/// How a `Codable` property's name is written as a JSON key.
public enum JSONKeyStyle: Sendable, Equatable {
    /// As the property (or its `CodingKey`) names it.
    case asIs
    /// In snake case as `JSONEncoder`'s `.convertToSnakeCase` writes it: `leaseMilliseconds` is
    /// `lease_milliseconds`, `myHTTPRequest` is `my_http_request`. A `[String: V]` dictionary's keys
    /// are data, not names, and stay as they are (as in `JSONEncoder` and `JSONDecoder`).
    case snakeCase

    /// The key for the property name `name`.
    func key(for name: String) -> String {
        switch self {
        case .asIs: name
        case .snakeCase: SnakeCaseKeys.key(for: name)
        }
    }
}

/// Property names in snake case, each converted once per process: a type has few, and they are
/// written and read for every message. Past `cacheLimit` names (only a type whose keys are data
/// would get there, and a peer could send any number of those) names are converted every time.
enum SnakeCaseKeys {
    private static let converted = Mutex<[String: String]>([:])
    static let cacheLimit = 4_096

    static func key(for name: String) -> String {
        if let key = converted.withLock({ $0[name] }) { return key }
        let key = convert(name)
        converted.withLock { cache in
            if cache.count < cacheLimit { cache[name] = key }
        }
        return key
    }

    /// Foundation's rule (`JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`): a word starts at
    /// each upper-case letter, a run of upper-case letters is one word (its last letter starting
    /// the next word when a lower-case letter follows), and every word is lower-cased and joined
    /// with `_`. Anything before the first letter stays as it is (`_x`, `a1B` is `a1_b`).
    static func convert(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        guard !scalars.isEmpty else { return name }
        func isUpper(_ scalar: Unicode.Scalar) -> Bool {
            let category = scalar.properties.generalCategory
            return category == .uppercaseLetter || category == .titlecaseLetter
        }
        func isLower(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .lowercaseLetter }
        func next(from start: Int, where test: (Unicode.Scalar) -> Bool) -> Int? {
            (start..<scalars.count).first { test(scalars[$0]) }
        }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let upper = next(from: searchStart, where: isUpper) {
            words.append(wordStart..<upper)
            guard let lower = next(from: upper, where: isLower) else {
                wordStart = upper
                searchStart = scalars.count
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            searchStart = lower + 1
        }
        words.append(wordStart..<max(wordStart, scalars.count))
        return words.map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word).lowercased()
        }.joined(separator: "_")
    }
}

/// A `[String: V]` dictionary's key, in a coding path.
struct DictionaryKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
