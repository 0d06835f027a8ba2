import Logging
import Synchronization

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
        var logger = Logger(label: label) { _ in WorkerCapturingHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    func append(_ record: Record) {
        storage.withLock { $0.append(record) }
    }
}

struct WorkerCapturingHandler: LogHandler {
    let capture: WorkerLogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(event.metadata ?? [:]) { $1 }
        capture.append(.init(level: event.level, message: event.message.description, metadata: merged))
    }
}
