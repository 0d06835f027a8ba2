import Evaluation
import Foundation
import Wire

/// How large a job the coordinator accepts. A job spec comes from the network and the fold plan
/// is built before any task runs, so the size is checked first: `repeats` of a million over a
/// 150-row dataset would otherwise have the coordinator build a plan of 150 million fold numbers
/// and three million task records on its event loop, and a billion would exhaust its memory.
/// How many tasks a job may have follows the coordinator's memory (`memoryRefusal`) and what a
/// result may hold (`resultRefusal`); there is no fixed cap.
public enum JobLimits {
    /// What a coordinator assumes it may use when it is not told (`CoordinatorCore`'s default, for
    /// tests and embedders) or cannot read its host's memory (`HostMemory`): 1 GiB.
    public static let defaultMemoryBytes = 1 << 30

    /// What the coordinator holds per task at its peak, while a job's result (its per-fold section:
    /// an entry per task with one per concept) is built, written and sent. Measured with
    /// `centroid` jobs on 2,000 rows (docs/PERFORMANCE.md, How many tasks a job may have): 5.5 KB
    /// a task over 2 concepts, 39.6 KB over 20 and 194 KB over 100, the scheduler's 260 bytes
    /// included. A client reading the whole result (for `--html`) takes about as much; one that
    /// prints the table alone, about a fifth.
    public static func coordinatorBytesPerTask(concepts: Int) -> Int {
        1_536 + 2_048 * max(1, concepts)
    }

    /// Why a job of `tasks` tasks over `concepts` concepts is refused because the coordinator,
    /// which may use `memoryBytes`, could not hold its result, or nil. Its jobs together may take
    /// half of it: a client on the same host (`evaluate`'s embedded cluster, or `submit` beside the
    /// coordinator) needs about as much again to read a result whole (`--html`). `held` is what the unfinished jobs
    /// already accepted will need (`bytes`, counted the same way, over `jobs` jobs). There is no
    /// fixed cap besides.
    public static func memoryRefusal(
        tasks: Int, concepts: Int, memoryBytes: Int, held: (bytes: Int, jobs: Int) = (0, 0)
    ) -> String? {
        let perTask = coordinatorBytesPerTask(concepts: concepts)
        let budget = max(0, max(0, memoryBytes) / 2 - max(0, held.bytes))
        let (bytes, overflow) = tasks.multipliedReportingOverflow(by: perTask)
        guard overflow || bytes > budget else { return nil }
        let most = budget / perTask
        let others = held.jobs == 0 ? ""
            : ", less the \(Self.size(held.bytes)) that \(held.jobs) unfinished job\(held.jobs == 1 ? "" : "s") will need"
        return "\(tasks) tasks over \(concepts) concepts need about "
            + "\(overflow ? "too many bytes" : Self.size(bytes)) in the coordinator while their result is built "
            + "(about \(String(format: "%.1f", Double(perTask) / 1024)) KiB a task), more than half of the "
            + "\(Self.size(memoryBytes)) it may use\(others): "
            + "use at most \(most) tasks (folds × repeats) with these concepts, evaluate fewer concepts at once, "
            + (held.jobs == 0 ? "" : "wait for the other jobs to finish, ")
            + "or run the coordinator where it has more memory"
    }

    /// `537 MiB` under a gibibyte, `5.2 GiB` from there.
    public static func size(_ bytes: Int) -> String {
        bytes < 1 << 30 ? "\(bytes >> 20) MiB" : String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
    }

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
    /// it is within the limits. Counts below the planner's own minimums are left to the planner;
    /// how many tasks memory allows is `memoryRefusal`'s.
    public static func refusal(folds: Int, repeats: Int, rows: Int) -> String? {
        guard folds > 0, repeats > 0 else { return nil }
        if folds.multipliedReportingOverflow(by: repeats).overflow {
            return "--folds \(folds) with --repeats \(repeats) makes too many tasks: use fewer folds or repeats"
        }
        let (entries, entriesOverflow) = repeats.multipliedReportingOverflow(by: max(rows, 1))
        if entriesOverflow || entries > maxPlanEntries {
            return "--repeats \(repeats) over \(rows) rows needs a fold plan of more than \(maxPlanEntries) entries: "
                + "use at most \(maxPlanEntries / max(rows, 1)) repeats"
        }
        return nil
    }
}
