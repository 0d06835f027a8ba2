import Logging
import Synchronization
import TestSupport

/// Collects the log lines of the loggers it makes (message and metadata), for tests that check
/// what a worker says it did.
final class WorkerLogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Record]>([])

    var records: [Record] { storage.withLock { $0 } }

    /// Messages logged with `key` set to `value` in their metadata.
    func messages(where key: String, is value: String) -> [String] {
        records.filter { $0.metadata[key]?.description == value }.map(\.message)
    }

    func logger(_ label: String = "worker-test", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { label in
            ForwardingLogHandler(label: label) { self.append(Record(level: $0.level, message: $0.message, metadata: $0.metadata)) }
        }
        logger.logLevel = level
        return logger
    }

    func append(_ record: Record) {
        storage.withLock { $0.append(record) }
    }
}
