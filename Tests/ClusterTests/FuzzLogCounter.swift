import Logging
import Synchronization
import TestSupport

/// Counts log lines by logger, level and message instead of keeping them: a fuzz run makes
/// hundreds of thousands, and holding them would make the memory figures meaningless. Keeps the
/// first lines of each message with their metadata, to show what happened.
final class FuzzLogCounter: Sendable {
    struct Key: Hashable, Sendable, Comparable {
        var label: String
        var level: Logger.Level
        var message: String
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.label, lhs.message) < (rhs.label, rhs.message) }
    }

    private let state = Mutex<(counts: [Key: Int], samples: [Key: [Logger.Metadata]])>(([:], [:]))

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { label in
            ForwardingLogHandler(label: label) { self.record(label: $0.label, level: $0.level, message: $0.message, metadata: $0.metadata) }
        }
        logger.logLevel = .info
        return logger
    }

    func record(label: String, level: Logger.Level, message: String, metadata: Logger.Metadata) {
        let key = Key(label: label, level: level, message: message)
        state.withLock { state in
            state.counts[key, default: 0] += 1
            if state.samples[key, default: []].count < 3 { state.samples[key, default: []].append(metadata) }
        }
    }

    var counts: [Key: Int] { state.withLock { $0.counts } }

    func count(_ label: String, _ message: String) -> Int {
        counts.filter { $0.key.label == label && $0.key.message == message }.values.reduce(0, +)
    }

    func samples(_ label: String, _ message: String) -> [Logger.Metadata] {
        state.withLock { state in state.samples.filter { $0.key.label == label && $0.key.message == message }.values.flatMap { $0 } }
    }
}
