import Foundation
import TestSupport

/// One line of a crossfold daemon's `--log-format json` output:
/// `{"ts", "level", "logger", "message", ...metadata}`, every value a string.
struct LogRecord: Sendable {
    let fields: [String: String]
    /// The line's position in its log.
    let index: Int

    var message: String { fields["message"] ?? "" }
    subscript(key: String) -> String? { fields[key] }

    /// When the daemon logged it (`ts`, ISO 8601 with fractional seconds).
    var time: Date? {
        guard let text = fields["ts"] else { return nil }
        return try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    /// The record in `line`, or nil when it is not a JSON log object (a crash report, say).
    init?(_ line: Substring, index: Int) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object { fields[key] = "\(value)" }
        self.fields = fields
        self.index = index
    }
}

extension LabProcess {
    /// The JSON log records written so far.
    func records() -> [LogRecord] {
        lines().enumerated().compactMap { LogRecord($1, index: $0) }
    }

    /// Waits for a record whose message is `message` and for which `predicate` holds, at line
    /// `startIndex` or later.
    ///
    /// - Throws: `LabError.timedOut` with the log's tail when none appears in `timeout`.
    @discardableResult
    func waitForRecord(
        _ message: String, from startIndex: Int = 0, timeout: Duration = .seconds(60),
        where predicate: @escaping (LogRecord) -> Bool = { _ in true }
    ) async throws -> LogRecord {
        let found = try await waitForLine("a \"\(message)\" record", from: startIndex, timeout: timeout) { line in
            guard let record = LogRecord(line, index: 0) else { return false }
            return record.message == message && predicate(record)
        }
        guard let record = LogRecord(found.line, index: found.index) else {
            throw LabError.timedOut(waitedFor: "a parsable \"\(message)\" record", after: .zero, log: String(found.line))
        }
        return record
    }
}
