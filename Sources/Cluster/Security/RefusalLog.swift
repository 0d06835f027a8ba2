import Logging

/// Logs refused connections without letting a flood of them flood the log or the memory: the
/// first refusal of a (domain, address, key) is logged at once, repeats within `window` are only
/// counted and reported with the next line logged for it, and at most `capacity` sources are
/// remembered. Used on the reactor thread only.
final class RefusalLog {
    private struct Source: Hashable {
        let domain: String
        let address: String
        let credential: String
    }

    private let logger: Logger
    private let window: Duration
    private let capacity: Int
    private let clock = ContinuousClock()
    private var seen: [Source: (logged: ContinuousClock.Instant, suppressed: Int)] = [:]

    init(logger: Logger, window: Duration = .seconds(60), capacity: Int = 1024) {
        self.logger = logger
        self.window = window
        self.capacity = capacity
    }

    /// Notes one refusal; `credential` names the key (a public key is safe to log) or the mechanism.
    func record(domain: String, address: String, credential: String, reason: String) {
        let source = Source(domain: domain, address: address, credential: credential)
        let now = clock.now
        if let entry = seen[source], now - entry.logged < window {
            seen[source]?.suppressed += 1
            return
        }
        let repeats = seen[source]?.suppressed ?? 0
        if seen.count >= capacity { forgetOld(now: now) }
        seen[source] = (now, 0)
        var metadata: Logger.Metadata = [
            "domain": "\(domain)", "address": "\(address)", "key": "\(credential)", "reason": "\(reason)",
        ]
        if repeats > 0 { metadata["refused_since_last_line"] = "\(repeats)" }
        logger.warning("refused a connection: key not allowed", metadata: metadata)
    }

    /// Drops sources quiet for a whole window; if all are recent (a flood from many sources),
    /// starts afresh rather than grow.
    private func forgetOld(now: ContinuousClock.Instant) {
        seen = seen.filter { now - $0.value.logged < window }
        if seen.count >= capacity { seen.removeAll(keepingCapacity: true) }
    }
}
