import Folds
import Wire

/// Verification by recomputation of one job, as the scheduler keeps it (docs/RELIABILITY.md,
/// Verification by recomputation). When every task has a result, some are computed again on a
/// different worker ("checks") and the digests compared: equal, the task is verified; different,
/// a third worker decides, and the one in the minority is quarantined.
public struct JobVerification: Sendable {
    let request: VerifyRequest
    /// Digests reported for attempts whose results are being stored (`taskDigest`).
    var reported: [TaskAttempt: ResultDigest] = [:]
    /// The digest of each task's stored result, when this process received it.
    var stored: [Int: ResultDigest] = [:]
    /// Tasks being checked, with the check votes so far (worker: its attempt and digest).
    var checks: [Int: [WorkerID: Vote]] = [:]
    /// Check attempts handed out and not yet returned or lost.
    var checkAttempts: Set<TaskAttempt> = []
    /// The checks were chosen (the job's tasks had all been computed once).
    var started = false
    var tasksChecked = 0
    var verified: Set<Int> = []
    var mismatches = 0
    var quarantined: Set<WorkerID> = []
    var extraTasks = 0
    var notRun: String?

    struct Vote: Sendable, Equatable {
        let attempt: Int
        let digest: ResultDigest
    }

    init(request: VerifyRequest) {
        self.request = request
    }

    var summary: VerificationSummary {
        VerificationSummary(
            fraction: request.fraction, tasksChecked: tasksChecked, tasksVerified: verified.count, mismatches: mismatches,
            quarantined: quarantined.map(\.rawValue).sorted(), extraTasks: extraTasks, notRun: notRun,
            finished: started && checks.isEmpty)
    }

    /// Which tasks to check: one of each contributing worker's (picked at random, so a worker
    /// cannot tell which of its results will be checked), then more at random up to
    /// `fraction` of the tasks; at most every task.
    public static func choose(
        fraction: Double, seed: UInt64, producers: [Int: WorkerID], taskCount: Int
    ) -> [Int] {
        var random = SeededRandom(seed: seed)
        var byWorker: [WorkerID: [Int]] = [:]
        for (task, worker) in producers { byWorker[worker, default: []].append(task) }
        var chosen: [Int] = []
        var taken: Set<Int> = []
        for worker in byWorker.keys.sorted() {
            let tasks = byWorker[worker, default: []].sorted()
            let task = tasks[random.nextIndex(below: tasks.count)]
            chosen.append(task)
            taken.insert(task)
        }
        let wanted = min(producers.count, max(chosen.count, Int((fraction * Double(taskCount)).rounded(.up))))
        // The rest by a partial Fisher-Yates walk: O(tasks) on the coordinator's loop, where
        // removing each pick from an array was O(tasks × checks) (10^9 moves for 100,000 tasks).
        var rest = producers.keys.filter { !taken.contains($0) }.sorted()
        let more = min(rest.count, wanted - chosen.count)
        for i in 0..<max(0, more) {
            rest.swapAt(i, i + random.nextIndex(below: rest.count - i))
        }
        chosen.append(contentsOf: rest.prefix(max(0, more)))
        return chosen.sorted()
    }
}
