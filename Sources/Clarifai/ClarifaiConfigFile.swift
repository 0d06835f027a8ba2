import Foundation

/// The config file: `KEY=VALUE` lines with the CLARIFAI_* names, `#` comments, blank lines.
///
/// Values may be wrapped in single or double quotes. The PAT is refused: files get copied, shared
/// and committed, so the token stays in the environment or in its own `--pat-file`.
enum ClarifaiConfigFile {
    /// The settings in `text`, read from `path` (used in messages only).
    ///
    /// - Throws: `ClarifaiError.patInConfigFile` for a CLARIFAI_PAT line, and
    ///   `ClarifaiError.configFileInvalid` for a line without `=`, an unknown key or a repeated key.
    static func parse(_ text: String, path: String) throws(ClarifaiError) -> [ClarifaiSetting: String] {
        var values: [ClarifaiSetting: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            let lineNumber = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw .configFileInvalid(path: path, line: lineNumber, reason: "expected KEY=VALUE, found no '='")
            }
            var key = line[..<equals].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("export ") { key = String(key.dropFirst("export ".count)).trimmingCharacters(in: .whitespaces) }
            if key == ClarifaiSetting.pat.environmentVariable {
                throw .patInConfigFile(path: path, line: lineNumber)
            }
            guard let setting = ClarifaiSetting(environmentVariable: key) else {
                throw .configFileInvalid(path: path, line: lineNumber, reason: "unknown key \"\(key)\"")
            }
            guard values[setting] == nil else {
                throw .configFileInvalid(path: path, line: lineNumber, reason: "\(key) is set twice")
            }
            values[setting] = unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    private static func unquote(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
