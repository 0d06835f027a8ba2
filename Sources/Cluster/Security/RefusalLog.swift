import Logging

/// Logs refused connections without letting a flood of them flood the log or the memory. Per
/// (ZAP domain, peer address) and `window`, the first refusal of each of up to `keysPerWindow`
/// keys is logged; the rest are counted and the count goes with the next line for that address.
/// At most `capacity` addresses are remembered. Used on the reactor thread only.
final class RefusalLog {
    private struct Source: Hashable {
        let domain: String
        let address: String
    }

    private struct Window {
        var start: ContinuousClock.Instant
        var keys: Set<String>
        var suppressed: Int
    }

    private let logger: Logger
    private let window: Duration
    private let keysPerWindow: Int
    private let capacity: Int
    private let clock = ContinuousClock()
    private var windows: [Source: Window] = [:]

    init(logger: Logger, window: Duration = .seconds(60), keysPerWindow: Int = 10, capacity: Int = 1024) {
        self.logger = logger
        self.window = window
        self.keysPerWindow = keysPerWindow
        self.capacity = capacity
    }

    /// Notes one refusal; `credential` names the key (a public key is safe to log) or the mechanism.
    func record(domain: String, address: String, credential: String, reason: String) {
        let source = Source(domain: domain, address: address)
        let now = clock.now
        var suppressed = 0
        if var current = windows[source], now - current.start < window {
            guard !current.keys.contains(credential), current.keys.count < keysPerWindow else {
                current.suppressed += 1
                windows[source] = current
                return
            }
            current.keys.insert(credential)
            windows[source] = current
        } else {
            suppressed = windows[source]?.suppressed ?? 0
            if windows[source] == nil, windows.count >= capacity { forgetOld(now: now) }
            windows[source] = Window(start: now, keys: [credential], suppressed: 0)
        }
        var metadata: Logger.Metadata = [
            "domain": "\(domain)", "address": "\(address)", "key": "\(credential)", "reason": "\(reason)",
        ]
        if suppressed > 0 { metadata["refusals_not_logged"] = "\(suppressed)" }
        logger.warning("refused a connection: key not allowed", metadata: metadata)
    }

    /// Drops addresses whose window has ended; if all are recent (a flood from many addresses),
    /// starts afresh rather than grow.
    private func forgetOld(now: ContinuousClock.Instant) {
        windows = windows.filter { now - $0.value.start < window }
        if windows.count >= capacity { windows.removeAll(keepingCapacity: true) }
    }
}
