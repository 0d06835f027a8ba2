import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) in the commands that follow a job (`evaluate`, `submit --wait`, `watch`).
///
/// While `following(_:)` runs its body, the first SIGINT cancels the body, which then throws
/// `Interrupted`, so the command can act on the job (evaluate cancels it; submit and watch say how
/// to follow it again) and exit 130. At any other time, and on a second SIGINT, the process says
/// "interrupted" and ends at once with 130. SIGINT is one per process, so this state is too.
enum Interruption {
    /// Thrown by `following(_:)` when SIGINT cut its body short.
    struct Interrupted: Error {}

    private enum State {
        case idle
        case following(AsyncStream<Void>.Continuation)
    }

    private static let state = Mutex(State.idle)
    private static let signals = Atomic(0)
    private static let installed = Atomic(false)
    nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?

    /// Takes SIGINT over from the default action (once per process).
    static func install() {
        guard !installed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { received() }
        source.resume()
        // Kept for the life of the process; written once, here, before any signal is delivered.
        Self.source = source
    }

    /// Runs `body`; a SIGINT meanwhile cancels it and throws `Interrupted` (once `body` has
    /// returned from its cancellation, which a job's polling does within a request).
    static func following<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        state.withLock { $0 = .following(continuation) }
        defer {
            state.withLock { $0 = .idle }
            continuation.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await _ in stream { throw Interrupted() }
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
            }
            throw Interrupted()
        }
    }

    private static func received() {
        let count = signals.add(1, ordering: .relaxed).newValue
        let following = state.withLock { state -> AsyncStream<Void>.Continuation? in
            guard case .following(let continuation) = state else { return nil }
            return continuation
        }
        if count == 1, let following {
            following.yield()
            return
        }
        Terminal.standardError("\ncrossfold: interrupted\n")
        fflush(nil)
        // Not exit(): a fold may be running on another thread, and library destructors under it
        // crash (WorkerCommand.swift says more).
        _exit(ExitStatus.interrupted.rawValue)
    }
}
