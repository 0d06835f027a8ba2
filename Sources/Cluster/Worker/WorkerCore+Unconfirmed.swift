import Logging
import Wire

/// A result or failure sent on the current connection, and when.
struct SentMessage: Sendable, Equatable {
    let message: WorkerMessage
    let sentAt: Duration
}

/// Results that a dying connection may have swallowed. A socket accepts a RESULT at once, but when
/// the link is gone the bytes wait in the kernel; once the worker gives up on the connection
/// (10 silent seconds) and closes it, they are lost, and the fold computed during the outage would
/// be computed again elsewhere. So what was sent since shortly before the coordinator was last
/// heard goes out again on the next connection. A copy that did arrive costs nothing: the
/// coordinator keeps the first result of a task and ignores the rest.
extension WorkerCore {
    /// Forgets what was sent more than a heartbeat before the coordinator was last heard: the link
    /// was up then, so it went through.
    mutating func forgetDelivered() {
        guard let lastHeard, !unconfirmed.isEmpty else { return }
        unconfirmed.removeAll { $0.sentAt < lastHeard - configuration.heartbeatInterval }
    }

    /// Before the connection is replaced: what it may not have delivered goes back to the front of
    /// the outbox, in the order it was sent.
    mutating func resendUnconfirmed(into out: inout [WorkerOutput]) {
        forgetDelivered()
        guard !unconfirmed.isEmpty else { return }
        let refs = unconfirmed.compactMap { Self.ref(of: $0.message) }
        out.append(.log(.info, "sending again what the previous connection may have lost", [
            "tasks": "\(refs.map { "\($0.job)/\($0.task)#\($0.attempt)" }.joined(separator: ","))",
        ]))
        outbox = unconfirmed.map(\.message) + outbox
        unconfirmed.removeAll()
    }

    /// Whether `message` is the result or failure of `ref`.
    static func refers(_ message: WorkerMessage, to ref: TaskRef) -> Bool {
        Self.ref(of: message) == ref
    }

    /// The task attempt a result or failure is about.
    static func ref(of message: WorkerMessage) -> TaskRef? {
        switch message {
        case .result(let result, _): TaskRef(job: result.job, task: result.task, attempt: result.attempt)
        case .failed(let failure): TaskRef(job: failure.job, task: failure.task, attempt: failure.attempt)
        default: nil
        }
    }
}
