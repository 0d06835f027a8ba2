import ArgumentParser

/// `--worker-wait`: how long a command following a job on a coordinator waits while no worker is
/// connected, for `evaluate --coordinator`, `submit --wait` and `watch`.
struct WorkerWaitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seconds to wait while no worker is connected to the coordinator before giving up (exit 69), saying so every 10 s meanwhile (default: 60).")
    var workerWait: Int?

    static let defaultSeconds = 60

    func validate() throws {
        if let workerWait, workerWait < 0 { throw ValidationError("--worker-wait must be 0 or more seconds") }
    }

    var duration: Duration { .seconds(workerWait ?? Self.defaultSeconds) }
}
