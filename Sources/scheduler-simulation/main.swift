import Cluster
import Foundation

// Usage: scheduler-simulation [WORKERS] [TASKS] [SLOTS] [TASK-MILLISECONDS]
// The pure scheduler with simulated workers on a mock clock (Sources/Cluster/Scheduling/
// SchedulerSimulation.swift): decisions per second of real time, memory, and whether the
// simulated cluster kept every slot busy. docs/benchmarks/scheduling.sh runs it; build it with
// `swift build -c release --product scheduler-simulation`.
let arguments = CommandLine.arguments.dropFirst().map { Int($0) }
guard arguments.allSatisfy({ ($0 ?? 0) > 0 }) else {
    FileHandle.standardError.write("usage: scheduler-simulation [WORKERS] [TASKS] [SLOTS] [TASK-MILLISECONDS] (positive integers)\n".data(using: .utf8)!)
    exit(64)
}
func argument(_ index: Int, _ fallback: Int) -> Int { index < arguments.count ? arguments[index]! : fallback }
let parameters = SchedulerSimulation.Parameters(
    workers: argument(0, 1000), slots: argument(2, 4), jobs: 4, tasks: argument(1, 100_000),
    taskTime: .milliseconds(argument(3, 1000)), vanishing: max(1, argument(0, 1000) / 100))

func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

let before = residentKiB()
var peak = before
var inside = Duration.zero
var calls = 0
let clock = ContinuousClock()
let started = clock.now
let outcome = SchedulerSimulation(parameters).run { handle in
    let start = clock.now
    let actions = handle()
    inside += clock.now - start
    calls += 1
    if calls % 10_000 == 0 { peak = max(peak, residentKiB()) }
    return actions
}
let wall = clock.now - started
peak = max(peak, residentKiB())
let seconds = Double(inside.components.seconds) + Double(inside.components.attoseconds) / 1e18
let makespan = Double(outcome.makespan.components.seconds) + Double(outcome.makespan.components.attoseconds) / 1e18
let ideal = Double(outcome.ideal.components.seconds) + Double(outcome.ideal.components.attoseconds) / 1e18
print("""
    \(parameters.workers) workers x \(parameters.slots) slots (\(parameters.vanishing) vanish a third of the way), \
    \(parameters.jobs) jobs, \(parameters.tasks) tasks of \(argument(3, 1000)) ms on average
      events \(outcome.events), assignments \(outcome.assignments), requeued \(outcome.requeued), \
    duplicate results \(outcome.duplicateResults), jobs completed \(outcome.jobsCompleted), failed \(outcome.jobsFailed)
      time in the scheduler \(String(format: "%.2f", seconds)) s (whole run \(wall)): \
    \(Int(Double(outcome.events) / seconds)) events/s, \(Int(Double(outcome.assignments) / seconds)) assignments/s
      anonymous memory: \(before / 1024) MiB before, \(peak / 1024) MiB at the peak \
    (\((peak - before) * 1024 / max(1, parameters.tasks)) bytes per task, jobs and workers included)
      simulated makespan \(String(format: "%.1f", makespan)) s against \(String(format: "%.1f", ideal)) s \
    with every slot always busy (\(String(format: "%.3f", makespan / ideal))x); most tasks held by one worker: \
    \(outcome.mostHeld)
    """)
let complete = outcome.completed.values.reduce(0, +) == parameters.tasks / parameters.jobs * parameters.jobs
exit(complete && outcome.jobsCompleted == parameters.jobs && outcome.duplicateResults == 0 ? 0 : 1)
