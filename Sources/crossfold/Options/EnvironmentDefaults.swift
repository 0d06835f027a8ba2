import Foundation

/// Daemon options fall back to `CROSSFOLD_*` environment variables (containers configure them
/// that way); a flag on the command line wins.
enum EnvironmentDefaults {
    static func string(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    static func int(_ flag: Int?, _ variable: String) throws -> Int? {
        if let flag { return flag }
        guard let text = string(nil, variable) else { return nil }
        guard let value = Int(text) else {
            throw CommandFailure(.usage, "\(variable)=\(text) is not a whole number")
        }
        return value
    }

    /// A fraction in 0...1 from the flag, else the variable (`--verify`, `CROSSFOLD_VERIFY`).
    static func fraction(_ flag: Double?, _ variable: String) throws -> Double? {
        if let flag { return flag }
        guard let text = string(nil, variable) else { return nil }
        guard let value = Double(text), (0...1).contains(value) else {
            throw CommandFailure(.usage, "\(variable)=\(text) is not a fraction between 0 and 1")
        }
        return value
    }

    /// Names separated by commas from the flag's values, else the variable (`--admin-key`,
    /// `CROSSFOLD_ADMIN_KEYS`); spaces around a name are dropped.
    static func list(_ flag: [String], _ variable: String) -> [String] {
        guard flag.isEmpty else { return flag }
        return (string(nil, variable) ?? "").split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }
            .filter { !$0.isEmpty }
    }

    /// A command-line flag, else the variable: `1`/`true`/`yes` on, `0`/`false`/`no` or unset off.
    static func flag(_ flag: Bool, _ variable: String) throws -> Bool {
        if flag { return true }
        guard let text = string(nil, variable) else { return false }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw CommandFailure(.usage, "\(variable)=\(text) is not 1 or 0")
        }
    }
}
