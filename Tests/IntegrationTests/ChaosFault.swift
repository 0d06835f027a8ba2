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

    /// When the drill undoes a fault of this kind. Kills and SIGTERMs are followed by a restart
    /// after a short wait. Freezes and cuts are short (the cluster shrugs them off) or long, 3.5-8 s:
    /// across the coordinator's 5 s limit, so some end just before it gives up on the worker and
    /// some after. The worker's own limit is 10 s, so the coordinator always decides first
    /// (docs/RELIABILITY.md, "What the attempt cap means under chaos").
    func plan(using random: inout ChaosRandom) -> ChaosUndo {
        switch self {
        case .kill, .terminate:
            return .after(random.duration(in: .milliseconds(500)...(.seconds(4))))
        case .freeze, .linkDown:
            let short: ClosedRange<Duration> = self == .freeze ? .seconds(1)...(.seconds(3)) : .milliseconds(500)...(.milliseconds(1500))
            return .after(random.duration(in: Bool.random(using: &random) ? short : .milliseconds(3500)...(.seconds(8))))
        }
    }
}

/// When a fault is undone: this long after it was injected.
enum ChaosUndo: Sendable, CustomStringConvertible {
    case after(Duration)

    var wait: Duration {
        switch self {
        case .after(let wait): wait
        }
    }

    var description: String { ChaosReport.seconds(wait / .seconds(1)) }
}

/// One fault the drill injected: when, on what, what the victim held, and when it was undone.
struct ChaosFault: Sendable {
    let number: Int
    let kind: ChaosFaultKind
    /// The worker slot (its lab host) and the process that was hit.
    let host: Int
    let process: String
    let undo: ChaosUndo
    /// The attempts (job/task#attempt) the victim's log said it held just before the fault.
    let held: [String]
    let injectedAt: Date
    /// When the fault was undone (process restarted, thawed, link back up); nil when the job ended first.
    var healedAt: Date?
    /// The worker process serving the slot after the fault (a new one after kill and terminate).
    var successor: String?
    /// The victim had just finished the fold it held when it was frozen or cut off, so the
    /// coordinator could hand it another in the meantime: the fault was undone at once.
    var cutShort = false

    /// How long the fault lasted, once undone.
    var duration: Double? { healedAt.map { $0.timeIntervalSince(injectedAt) } }
}
