import Foundation
import Logging
import Wire

/// Shows a job's progress: a live bar on a terminal, plain log lines elsewhere (when JobFollowing
/// says one is due).
struct ProgressView {
    let live: Bool
    let logger: Logger

    init(live: Bool, logger: Logger) {
        self.live = live
        self.logger = logger
    }

    /// Redraws the bar on a terminal; nothing elsewhere.
    func draw(_ status: JobStatus) {
        guard live else { return }
        Terminal.standardError("\r" + Self.bar(status) + "\u{1B}[K")
        if status.state.isFinal { Terminal.standardError("\n") }
    }

    /// Erases the bar, so a message can take its line.
    func clear() {
        if live { Terminal.standardError("\r\u{1B}[K") }
    }

    /// A structured progress line, off a terminal.
    func log(_ status: JobStatus) {
        guard !live else { return }
        logger.info("progress", metadata: [
            "job": "\(status.job)", "state": "\(status.state.rawValue)",
            "folds": "\(status.tasksDone)/\(status.tasksTotal)", "workers": "\(status.workersBusy)/\(status.workers)",
            "elapsed": "\(Self.clock(status.elapsedSeconds))", "eta": "\(status.etaSeconds.map(Self.clock) ?? "-")",
        ])
    }

    /// `[##########..........] 5/10 folds  2/2 workers busy  00:12 elapsed  ETA 00:12`
    static func bar(_ status: JobStatus) -> String {
        let width = 24
        let filled = status.tasksTotal == 0 ? 0 : width * status.tasksDone / status.tasksTotal
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var text = "[\(bar)] \(status.tasksDone)/\(status.tasksTotal) folds  "
            + "\(status.workersBusy)/\(status.workers) workers busy  \(clock(status.elapsedSeconds)) elapsed"
        if let eta = status.etaSeconds, !status.state.isFinal { text += "  ETA \(clock(eta))" }
        if status.attemptsLost > 0 { text += "  \(status.attemptsLost) retried" }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%02d:%02d", minutes, secs)
    }
}
