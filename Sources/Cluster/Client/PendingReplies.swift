import Synchronization
import Wire

/// Replies awaited by request id. The reactor thread delivers replies; requesters wait with a
/// timeout. A reply nobody waits for any more (a late duplicate after a retry) is dropped.
final class PendingReplies: Sendable {
    private enum Slot {
        case expected
        case waiting(CheckedContinuation<ClientReply, any Error>)
        case arrived(ClientReply)
        case failed(any Error)
    }

    private struct TimedOut: Error {}

    private let slots = Mutex<[String: Slot]>([:])

    func expect(_ id: String) {
        slots.withLock { $0[id] = .expected }
    }

    func forget(_ id: String) {
        fail(id, CancellationError())
        slots.withLock { $0[id] = nil }
    }

    func deliver(_ reply: ClientReply) {
        guard let id = reply.request else { return }
        settle(id, with: .success(reply))
    }

    func fail(_ id: String, _ error: any Error) {
        settle(id, with: .failure(error))
    }

    /// Hands the outcome to the requester waiting for `id`, or keeps it for one about to wait; a
    /// request nobody expects (any more) gets nothing.
    private func settle(_ id: String, with outcome: Result<ClientReply, any Error>) {
        let waiter: CheckedContinuation<ClientReply, any Error>? = slots.withLock {
            switch $0[id] {
            case .waiting(let continuation):
                $0[id] = nil
                return continuation
            case .expected:
                switch outcome {
                case .success(let reply): $0[id] = .arrived(reply)
                case .failure(let error): $0[id] = .failed(error)
                }
                return nil
            default:
                return nil
            }
        }
        waiter?.resume(with: outcome)
    }

    /// Waits for the reply to `id`; nil when `timeout` passes first.
    func wait(_ id: String, timeout: Duration) async throws -> ClientReply? {
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.fail(id, TimedOut())
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ClientReply, any Error>) in
                    let ready: Result<ClientReply, any Error>? = slots.withLock {
                        switch $0[id] {
                        case .arrived(let reply):
                            $0[id] = nil
                            return .success(reply)
                        case .failed(let error):
                            $0[id] = nil
                            return .failure(error)
                        case .expected, .waiting, nil:
                            $0[id] = .waiting(continuation)
                            return nil
                        }
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                self.fail(id, CancellationError())
            }
        } catch is TimedOut {
            return nil
        }
    }
}
