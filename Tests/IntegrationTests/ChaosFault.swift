import Foundation

/// What the chaos drill does to a worker host, and how it undoes it.
enum ChaosFaultKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `kill -9`: no goodbye; the connection drops. Undone by starting a new worker process on the
    /// same host and cache after `duration`.
    case kill
    /// SIGTERM: the worker says DISCONNECT and exits. Undone like `kill`.
    case terminate
    /// SIGSTOP, then SIGCONT after `duration`: a hung process whose sockets stay open.
    case freeze
    /// The host's link down, then up after `duration`: silence, no reset, no FIN.
    case linkDown

    var description: String {
        switch self {
        case .kill: "kill -9"
        case .terminate: "SIGTERM"
        case .freeze: "SIGSTOP"
        case .linkDown: "link down"
        }
    }

    /// How long the fault lasts before it is undone. Freezes and outages straddle the
    /// coordinator's 5 s liveness limit, so some are shrugged off and some bury the worker.
    var durations: ClosedRange<Duration> {
        switch self {
        case .kill, .terminate: .milliseconds(500)...(.seconds(4))
        case .freeze: .seconds(1)...(.seconds(8))
        case .linkDown: .seconds(2)...(.seconds(9))
        }
    }
}

/// One fault the drill injected: when, on what, what the victim held, and when it was undone.
struct ChaosFault: Sendable {
    let number: Int
    let kind: ChaosFaultKind
    /// The worker slot (its lab host) and the process that was hit.
    let host: Int
    let process: String
    let duration: Duration
    /// The attempts (job/task#attempt) the victim's log said it held just before the fault.
    let held: [String]
    let injectedAt: Date
    /// When the fault was undone (process restarted, thawed, link back up); nil when the job ended first.
    var healedAt: Date?
    /// The worker process serving the slot after the fault (a new one after kill and terminate).
    var successor: String?
}
