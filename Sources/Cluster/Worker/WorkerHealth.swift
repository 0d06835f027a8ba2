import Dispatch
import Foundation
import Logging
import Synchronization

/// A worker's state for health checks and progress displays.
public struct WorkerHealth: Sendable, Equatable {
    /// Registered with the coordinator and heard from it within its silence limit (10 s).
    public var connected: Bool
    /// When the coordinator was last heard from; nil before the first message.
    public var lastHeard: Date?
    /// Tasks on compute threads.
    public var running: Int
    /// Tasks held but not started (waiting for a dataset or a slot).
    public var waiting: Int
    /// Datasets being fetched.
    public var fetching: Int
    /// The coordinator's control endpoint.
    public var coordinator: String
    /// When the event loop last published this; a stale snapshot means a stuck loop.
    public var updated: Date

    public init(
        connected: Bool, lastHeard: Date?, running: Int, waiting: Int, fetching: Int, coordinator: String,
        updated: Date
    ) {
        self.connected = connected
        self.lastHeard = lastHeard
        self.running = running
        self.waiting = waiting
        self.fetching = fetching
        self.coordinator = coordinator
        self.updated = updated
    }
}

/// Rewrites a small JSON file every second for container health checks:
/// `{"connected":true,"coordinator":"tcp://host:5556","running":2,"updated":1718000000}`.
/// `updated` is when the file was written (unix seconds); `connected` turns false when the event
/// loop has not published for 3 s, so a stuck worker reads as unhealthy. Runs on a thread of its own.
final class HealthFileWriter: Sendable {
    struct Contents: Codable, Equatable {
        var connected: Bool
        var updated: Int
        var running: Int
        var coordinator: String
    }

    let path: String
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = Atomic(false)
    /// The thread's last write done, and whoever waits for it.
    private let finish = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    init(path: String, logger: Logger, snapshot: @escaping @Sendable () -> WorkerHealth) {
        self.path = path
        let thread = Thread { [self] in
            var warned = false
            while true {
                let done = stopped.load(ordering: .acquiring)
                do {
                    try write(Self.contents(of: snapshot(), at: Date(), stopping: done))
                    warned = false
                } catch where !warned {
                    warned = true
                    logger.warning("cannot write the health file", metadata: ["file": "\(path)", "error": "\(error)"])
                } catch {}
                if done {
                    let waiter = finish.withLock { state in
                        state.done = true
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume()
                    return
                }
                _ = wake.wait(timeout: .now() + .seconds(1))
            }
        }
        thread.name = "crossfold.worker.health"
        thread.start()
    }

    /// Writes a last snapshot (not connected), ends the thread and returns once the file says so.
    func stop() async {
        stopped.store(true, ordering: .releasing)
        wake.signal()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = finish.withLock { state in
                if !state.done { state.waiter = waiter }
                return state.done
            }
            if done { waiter.resume() }
        }
    }

    static func contents(of health: WorkerHealth, at now: Date, stopping: Bool) -> Contents {
        let fresh = now.timeIntervalSince(health.updated) < 3
        return Contents(
            connected: health.connected && fresh && !stopping, updated: Int(now.timeIntervalSince1970),
            running: health.running, coordinator: health.coordinator)
    }

    private func write(_ contents: Contents) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // `.atomic` writes a temporary file and renames it, so a reader never sees half a file.
        try encoder.encode(contents).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
