import Datasets
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A workspace, three consecutive free ports on 127.0.0.1 and the commands to run a coordinator
/// with a state dir and its workers as real `crossfold` processes.
struct CoordinatorRestartLab {
    let workspace: CLIWorkspace
    let clientPort: Int

    init() throws {
        workspace = try CLIWorkspace()
        clientPort = try Self.freePortTriple()
    }

    var stateDir: String { workspace.path("state") }
    var clientEndpoint: String { "tcp://127.0.0.1:\(clientPort)" }
    var workerEndpoint: String { "tcp://127.0.0.1:\(clientPort + 1)" }
    var dataEndpoint: String { "tcp://127.0.0.1:\(clientPort + 2)" }

    static let anyPorts = [
        "--client-bind", "tcp://127.0.0.1:*", "--worker-bind", "tcp://127.0.0.1:*", "--data-bind", "tcp://127.0.0.1:*",
    ]

    /// A coordinator on the lab's ports and state dir, once it says it is listening.
    func startCoordinator() async throws -> CLIProcess {
        let coordinator = try CLI.start([
            "coordinator", "--client-bind", clientEndpoint, "--worker-bind", workerEndpoint, "--data-bind", dataEndpoint,
            "--state-dir", stateDir, "--log-format", "json",
        ], directory: workspace.url)
        try await coordinator.waitUntilListening()
        return coordinator
    }

    func startWorker(_ index: Int) throws -> CLIProcess {
        try CLI.start([
            "worker", "--connect", workerEndpoint, "--slots", "1", "--threads", "1", "--cache-dir", workspace.path("cache-\(index)"),
            "--name", "w\(index)", "--log-format", "json",
        ], directory: workspace.url)
    }

    func run(_ arguments: [String]) async throws -> CLIResult {
        try await CLI.run(arguments, directory: workspace.url, timeout: .seconds(300))
    }

    /// The pid of the coordinator holding the state dir, from `state/lock` (as an operator would
    /// find it: `kill -9 $(cat state/lock)`).
    func coordinatorPID() throws -> pid_t {
        let text = try String(contentsOfFile: stateDir + "/lock", encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw RestartLabError("no pid in \(stateDir)/lock: \(text)")
        }
        return pid
    }

    /// Sends `signal` to the coordinator holding the state dir and waits for it to be gone.
    func signalCoordinator(_ coordinator: CLIProcess, _ signal: Int32) async throws {
        kill(try coordinatorPID(), signal)
        _ = try await coordinator.wait(timeout: .seconds(30))
    }

    /// The stored result files of `job`, by task.
    func storedResults(_ job: String) -> [Int: [UInt8]] {
        Self.storedResults(in: stateDir, job: job)
    }

    /// The stored result files of the first job in `stateDir` (a lab runs one job at a time), by task.
    static func storedResults(in stateDir: String) -> [Int: [UInt8]] {
        let jobs = ((try? FileManager.default.contentsOfDirectory(atPath: stateDir + "/jobs")) ?? []).filter { !$0.hasPrefix(".") }
        return jobs.sorted().first.map { storedResults(in: stateDir, job: $0) } ?? [:]
    }

    static func storedResults(in stateDir: String, job: String) -> [Int: [UInt8]] {
        let folder = "\(stateDir)/jobs/\(job)/results"
        var files: [Int: [UInt8]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".bin") {
            if let task = Int(name.dropLast(4)), let bytes = FileManager.default.contents(atPath: "\(folder)/\(name)") {
                files[task] = Array(bytes)
            }
        }
        return files
    }

    /// The seconds a fold took, from its stored result file (docs/RELIABILITY.md: an f64 at offset 24).
    static func foldSeconds(_ resultFile: [UInt8]) -> Double? {
        guard resultFile.count >= 32 else { return nil }
        let bits = resultFile[24..<32].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(bitPattern: bits)
    }

    /// Tasks of `job` that a worker's JSON log lines say it started.
    static func tasksStarted(in log: Substring, job: String) -> [Int] {
        log.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["message"] as? String == "task started", object["job"] as? String == job
            else { return nil }
            return (object["task"] as? String).flatMap { Int($0) }
        }
    }

    static func eventually(within seconds: Double = 120, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.2f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// `dataset` as a CSV the readers take (`id,label,f0,...`); returns the file name.
    func writeCSV(_ dataset: Dataset, name: String) throws -> String {
        var text = "id,label," + (0..<dataset.featureCount).map { "f\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<dataset.rowCount {
            let labels = dataset.labels[(row * dataset.conceptCount)..<((row + 1) * dataset.conceptCount)]
            let concept = (labels.firstIndex(of: 1) ?? labels.startIndex) - labels.startIndex
            let features = dataset.features[(row * dataset.featureCount)..<((row + 1) * dataset.featureCount)]
            text += "\(dataset.ids[row]),\(dataset.concepts[concept])," + features.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        try workspace.write(name, text)
        return name
    }

    /// A port P with P, P+1 and P+2 free on 127.0.0.1 (client, worker and data sockets; a worker
    /// given P+1 finds the data socket at P+2 by itself).
    static func freePortTriple() throws -> Int {
        for _ in 0..<50 {
            let port = bindable(0)
            if port > 0, port + 2 < 65536, bindable(port + 1) > 0, bindable(port + 2) > 0 { return port }
        }
        throw RestartLabError("no three consecutive free ports on 127.0.0.1")
    }

    /// Binds `port` (0: any) on 127.0.0.1 and releases it; the port bound, or 0.
    private static func bindable(_ port: Int) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }
}

struct RestartLabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
