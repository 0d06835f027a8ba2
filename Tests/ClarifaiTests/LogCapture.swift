import Logging
import Synchronization
import TestSupport

/// Collects every log line of the loggers it makes, at trace level, rendered as a handler would
/// print them (level, message, handler and call metadata, source).
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata

        /// The line a log handler would write.
        var rendered: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(level) \(message) \(fields)"
        }
    }

    private let storage = Mutex<[Record]>([])

    var records: [Record] { storage.withLock { $0 } }
    var lines: [String] { records.map(\.rendered) }

    /// A logger at trace level writing here.
    func logger(_ label: String = "clarifai-test") -> Logger {
        var logger = Logger(label: label) { label in
            ForwardingLogHandler(label: label) { line in
                var metadata = line.metadata
                if let error = line.error { metadata["error"] = "\(error)" }
                metadata["source"] = "\(line.source)"
                self.append(Record(level: line.level, message: line.message, metadata: metadata))
            }
        }
        logger.logLevel = .trace
        return logger
    }

    func append(_ record: Record) {
        storage.withLock { $0.append(record) }
    }
}
