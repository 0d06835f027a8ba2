import Dispatch
import Foundation
import Synchronization

/// The worker's compute threads: one long-lived `Thread` per slot, fed from a queue. Folds run
/// here, never on the cooperative pool or the reactor: a fold can spend minutes in BLAS, and the
/// reactor, where the worker's core runs, must keep heartbeating meanwhile.
final class ComputeThreads: Sendable {
    private let jobs = Mutex<[(@Sendable () -> Void)?]>([])
    private let available = DispatchSemaphore(value: 0)
    private let started = Atomic(false)
    let count: Int
    let name: String

    /// `count` threads named `name-1...`, once `start()`ed.
    init(count: Int, name: String) {
        self.count = max(1, count)
        self.name = name
    }

    /// Starts the threads (once).
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for slot in 1...count {
            // The threads keep `self` (the queue) alive until `stop()` ends them.
            let thread = Thread { [self] in
                while let job = next() { job() }
            }
            thread.name = "\(name)-\(slot)"
            thread.start()
        }
    }

    /// Waits for the next job; nil tells the thread to end. Each signal matches one queued entry.
    private func next() -> (@Sendable () -> Void)? {
        available.wait()
        return jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    /// Queues `job` for the next free thread. The worker core never starts more tasks than slots,
    /// so a job waits only behind one that is finishing.
    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    /// Ends every thread once the jobs queued before have run (a running fold cannot be stopped).
    func stop() {
        guard started.load(ordering: .acquiring) else { return }
        jobs.withLock { queue in
            for _ in 0..<count { queue.append(nil) }
        }
        for _ in 0..<count { available.signal() }
    }
}
