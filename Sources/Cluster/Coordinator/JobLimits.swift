import Evaluation
import Wire

/// How large a job the coordinator accepts. A job spec comes from the network and the fold plan
/// is built before any task runs, so the size is checked first: `repeats` of a million over a
/// 150-row dataset would otherwise have the coordinator build a plan of 150 million fold numbers
/// and three million task records on its event loop, and a billion would exhaust its memory.
public enum JobLimits {
    /// Most tasks (folds × repeats) one job may have: what memory allows with the coordinator and
    /// a client on one host. Measured per task (docs/PERFORMANCE.md, Scheduling): about 260 bytes in
    /// the scheduler, and at the peak about 6 KB in the coordinator and 4.6 KB in the client while
    /// the result's per-fold section (about 520 bytes of JSON per fold with two concepts) is built,
    /// written and read: 100,000 tasks peak at about 600 MB and 450 MiB. A million, measured with
    /// the cap raised, took 5.55 GB and 4.47 GiB (docs/PERFORMANCE.md): the cap is here until it
    /// follows the coordinator's memory, or that section is written and read as a stream.
    public static let maxTasks = 100_000
    /// Why a job of `tasks` tasks over concepts named `conceptIDs` is refused because its result
    /// could not be sent, or nil. The result's per-fold section has an entry per task with one per
    /// concept; counted at its smallest (`CrossfoldReport.minimumFoldBytes`), it must fit in the
    /// `ClientReply.maxMetricsBytes` a result may hold. A job refused here would surely have failed
    /// after its last fold; one that passes may still, with long numbers, fail there, saying so.
    public static func resultRefusal(tasks: Int, conceptIDs: [String]) -> String? {
        let perTask = CrossfoldReport.minimumFoldBytes(conceptIDs: conceptIDs)
        let (bytes, overflow) = tasks.multipliedReportingOverflow(by: perTask)
        guard overflow || bytes > ClientReply.maxMetricsBytes else { return nil }
        let most = ClientReply.maxMetricsBytes / perTask
        return "\(tasks) tasks over \(conceptIDs.count) concepts need at least "
            + "\(overflow ? "too many" : "\(bytes >> 20)") MiB of JSON for the result's per-fold section (an entry "
            + "per task with one per concept), more than the \(ClientReply.maxMetricsBytes >> 20) MiB a result may hold: "
            + "use at most \(most) tasks (folds × repeats) with these concepts, or evaluate fewer concepts at once"
    }

    /// Most entries of a fold plan (repeats × rows, one Int32 each: 1 GiB).
    public static let maxPlanEntries = 1 << 28

    /// Why a plan of `folds` folds and `repeats` repeats over `rows` rows is refused, or nil when
    /// it is within the limits. Counts below the planner's own minimums are left to the planner.
    public static func refusal(folds: Int, repeats: Int, rows: Int) -> String? {
        guard folds > 0, repeats > 0 else { return nil }
        let (tasks, tasksOverflow) = folds.multipliedReportingOverflow(by: repeats)
        if tasksOverflow || tasks > maxTasks {
            return "--folds \(folds) with --repeats \(repeats) makes \(tasksOverflow ? "too many" : "\(tasks)") tasks; "
                + "a job may have at most \(maxTasks): use fewer folds or repeats"
        }
        let (entries, entriesOverflow) = repeats.multipliedReportingOverflow(by: max(rows, 1))
        if entriesOverflow || entries > maxPlanEntries {
            return "--repeats \(repeats) over \(rows) rows needs a fold plan of more than \(maxPlanEntries) entries: "
                + "use at most \(maxPlanEntries / max(rows, 1)) repeats"
        }
        return nil
    }
}
