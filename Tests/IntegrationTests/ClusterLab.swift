import Foundation
import Testing
import TestSupport

/// One evaluation's options, as given to `evaluate` and `submit` alike.
struct EvaluationRun: Hashable, Sendable, CustomStringConvertible {
    /// Absolute path: the result records it, and the lab hosts share the file system.
    var dataset: String
    var folds: Int
    var seed = 7
    var model = "logistic"
    /// Further `--model` arguments: with them (or a `MODEL:KEY=V1,V2` model) the run is a sweep.
    var moreModels: [String] = []

    var arguments: [String] {
        [dataset, "--folds", String(folds), "--seed", String(seed), "--model", model] + moreModels.flatMap { ["--model", $0] }
    }
    var description: String { arguments.joined(separator: " ") }

    /// examples/digits.csv: 1,797 rows x 64 features, 10 concepts; folds take about 0.25 s.
    static func digits(folds: Int = 5, seed: Int = 7) -> EvaluationRun {
        EvaluationRun(dataset: Lab.packageRoot.appendingPathComponent("examples/digits.csv").path, folds: folds, seed: seed)
    }
}

/// A crossfold cluster on a namespace lab: the coordinator on h0, workers and clients on the other
/// hosts, every daemon logging JSON lines so that tests can wait on its events.
struct ClusterLab {
    let lab: Lab
    let crossfold: String
    /// Where this cluster's result files go.
    let work: URL

    /// Runs `body` with a fresh lab of `hosts` hosts whose h0 runs a listening coordinator, started
    /// with `coordinatorArguments` besides the usual ones (`--keys DIR`, say).
    static func with<T: Sendable>(
        hosts: Int, coordinatorArguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (ClusterLab, LabProcess) async throws -> T
    ) async throws -> T {
        let crossfold = try Lab.crossfoldExecutable().path
        return try await withLab(hosts: hosts, sourceLocation: sourceLocation) { lab in
            let cluster = ClusterLab(lab: lab, crossfold: crossfold, work: lab.directory.appendingPathComponent("results"))
            try FileManager.default.createDirectory(at: cluster.work, withIntermediateDirectories: true)
            let coordinator = try await lab.start(
                "coordinator", on: 0, [crossfold, "coordinator", "--log-format", "json"] + coordinatorArguments)
            try await coordinator.waitForRecord("coordinator listening", timeout: .seconds(30))
            return try await body(cluster, coordinator)
        }
    }

    var clientEndpoint: String { "tcp://\(lab.address(of: 0)):5555" }
    var workerEndpoint: String { "tcp://\(lab.address(of: 0)):5556" }

    /// Starts a one-slot, one-thread worker on `host` with its own cache directory (unless `cache`
    /// names another) and waits until it has registered. `extraArguments` go after the others
    /// (`--log-level debug`, say).
    @discardableResult
    func startWorker(_ name: String, on host: Int, cache: String? = nil, extraArguments: [String] = []) async throws -> LabProcess {
        try await startWorkers([(name, host)], cache: cache, extraArguments: extraArguments)[0]
    }

    /// Starts workers (name, host) at once, then waits until every one has registered.
    @discardableResult
    func startWorkers(
        _ workers: [(name: String, host: Int)], cache: String? = nil, extraArguments: [String] = []
    ) async throws -> [LabProcess] {
        var started: [LabProcess] = []
        for (name, host) in workers {
            let cacheDirectory = cache ?? lab.directory.appendingPathComponent("h\(host)/cache-\(name)").path
            started.append(try await lab.start(name, on: host, [
                crossfold, "worker", "--connect", workerEndpoint, "--slots", "1", "--threads", "1",
                "--cache-dir", cacheDirectory, "--name", name, "--log-format", "json",
            ] + extraArguments))
        }
        for worker in started {
            try await worker.waitForRecord("registered with the coordinator", timeout: .seconds(60))
        }
        return started
    }

    /// `crossfold submit RUN --wait --json FILE` from `host`, in the foreground, with
    /// `extraArguments` (`--keys DIR`, `--verify 0.2`) after the others.
    func submit(_ run: EvaluationRun, from host: Int, json: URL, extraArguments: [String] = []) async throws -> ProcessOutcome {
        try await lab.run(on: host, [crossfold, "submit"] + run.arguments
            + ["--coordinator", clientEndpoint, "--wait", "--json", json.path] + extraArguments, timeout: .seconds(300))
    }

    /// A client command (`jobs`, `status JOB`, ...) against this coordinator from `host`.
    func client(_ arguments: [String], from host: Int, extraArguments: [String] = []) async throws -> ProcessOutcome {
        try await lab.run(on: host, [crossfold] + arguments + ["--coordinator", clientEndpoint] + extraArguments,
                          timeout: .seconds(60))
    }

    /// The same submission in the background, as a lab process named `name`.
    func startSubmission(_ name: String, _ run: EvaluationRun, from host: Int, json: URL) async throws -> LabProcess {
        try await lab.start(name, on: host, [crossfold, "submit"] + run.arguments
            + ["--coordinator", clientEndpoint, "--wait", "--json", json.path])
    }

    /// The coordinator's id for the worker named `name` (its "worker joined" record).
    func workerID(of name: String, in coordinator: LabProcess) async throws -> String {
        let joined = try await coordinator.waitForRecord("worker joined", timeout: .seconds(30)) { $0["name"] == name }
        return try #require(joined["worker"], "no worker id in \(joined.fields)")
    }
}

/// What a worker's log says about the tasks it ran.
extension LabProcess {
    /// Tasks (job/task#attempt) this worker started and has not finished, per its log so far.
    func heldTasks() -> [String] {
        var held: [String] = []
        for record in records() {
            guard let job = record["job"], let task = record["task"], let attempt = record["attempt"] else { continue }
            let ref = "\(job)/\(task)#\(attempt)"
            switch record.message {
            case "task started": held.append(ref)
            case "task finished", "task failed", "discarded the result of a cancelled task":
                held.removeAll { $0 == ref }
            default: break
            }
        }
        return held
    }

    /// Waits until the worker holds a running task and returns it.
    func waitUntilHoldingTask(timeout: Duration = .seconds(60)) async throws -> String {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            if let task = heldTasks().last { return task }
            guard isRunning, clock.now < end else {
                throw LabError.timedOut(waitedFor: "\(self) to hold a task", after: timeout, log: ProcessOutcome.tail(log()))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The number of tasks this worker finished.
    func finishedTaskCount() -> Int {
        records().filter { $0.message == "task finished" }.count
    }
}

/// Embedded reference runs and generated datasets, made once per test process and shared.
actor ClusterFixtures {
    static let shared = ClusterFixtures()

    /// One task per run, so that suites running side by side share a reference run, and each run
    /// writes its own file: the actor is reentrant while a run is under way.
    private var references: [EvaluationRun: Task<Data, any Error>] = [:]
    private var synthetic: [String: Task<String, any Error>] = [:]
    private var made = 0
    private let directory: URL

    init() {
        // One directory per test process; those of earlier processes that are gone are removed.
        let temporary = FileManager.default.temporaryDirectory
        let prefix = "crossfold-integration-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(entry))
        }
        directory = temporary.appendingPathComponent(prefix + String(ProcessInfo.processInfo.processIdentifier))
    }

    /// The EvalMetrics JSON of `crossfold evaluate RUN` on an embedded cluster (no network).
    func embeddedMetrics(_ run: EvaluationRun) async throws -> Data {
        if let known = references[run] { return try await known.value }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        made += 1
        let json = directory.appendingPathComponent("reference-\(made).json")
        let task = Task<Data, any Error> {
            let outcome = try await ProcessRunner.run(
                try Lab.crossfoldExecutable(), ["evaluate"] + run.arguments + ["--local-workers", "2", "--json", json.path],
                timeout: .seconds(300))
            guard outcome.succeeded else { throw FixtureFailure("the embedded reference run (\(run)) failed: \(outcome)") }
            return try Data(contentsOf: json)
        }
        references[run] = task
        return try await task.value
    }

    /// A synthetic dataset (`crossfold dataset synth`, 64 features, 10 concepts): with 20,000 rows a
    /// logistic fold takes about 0.7 s in a debug build, long enough for events to land mid-job.
    func syntheticDataset(rows: Int, features: Int = 64) async throws -> String {
        let key = "rows=\(rows) features=\(features)"
        if let known = synthetic[key] { return try await known.value }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("synthetic-\(rows)x\(features).cfds").path
        let task = Task<String, any Error> {
            let outcome = try await ProcessRunner.run(
                try Lab.crossfoldExecutable(),
                ["dataset", "synth", "--rows", String(rows), "--features", String(features), "--concepts", "10", "--seed", "3", "-o", path],
                timeout: .seconds(120))
            guard outcome.succeeded else { throw FixtureFailure("crossfold dataset synth failed: \(outcome)") }
            return path
        }
        synthetic[key] = task
        return try await task.value
    }
}

/// Expects the result file `actual` to hold exactly the metrics of `expected`, provenance aside.
func expectSameMetrics(
    _ actual: URL, as expected: Data, in lab: Lab, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let data = try #require(try? Data(contentsOf: actual), "no result file at \(actual.path)", sourceLocation: sourceLocation)
    let differences = try LabMetrics.differences(expected: expected, actual: data)
    #expect(differences.isEmpty, """
        the cluster's metrics differ from the reference run's:
        \(differences.map(\.description).joined(separator: "\n"))
        \(lab.diagnostics())
        """, sourceLocation: sourceLocation)
}

/// The distinct `worker` values of a result's folds (provenance: who produced each accepted result).
func foldWorkers(_ result: URL) throws -> [String?] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: result)) as? [String: Any]
    let extended = object?["extended_metrics"] as? [String: Any]
    let user = extended?["user_metrics"] as? [String: Any]
    let crossfold = user?["crossfold"] as? [String: Any]
    let folds = crossfold?["folds"] as? [[String: Any]] ?? []
    return folds.map { $0["worker"] as? String }
}

/// A shared fixture (a reference run, a generated dataset) could not be made.
struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
