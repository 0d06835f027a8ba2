import Datasets
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A scratch directory, three consecutive free ports on 127.0.0.1 and the `crossfold` binary,
/// for tests that run a coordinator, workers and clients as real processes.
final class RestartLab: @unchecked Sendable {
    // @unchecked: the process list is only touched by the one test that owns the lab.
    let root: String
    let clientPort: Int
    let binary: String
    private var processes: [LabProcess] = []

    init() throws {
        root = NSTemporaryDirectory() + "crossfold-restart-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        clientPort = try Self.freePortTriple()
        binary = Self.crossfoldBinary()
    }

    func path(_ name: String) -> String { "\(root)/\(name)" }
    var clientEndpoint: String { "tcp://127.0.0.1:\(clientPort)" }
    var workerEndpoint: String { "tcp://127.0.0.1:\(clientPort + 1)" }
    var dataEndpoint: String { "tcp://127.0.0.1:\(clientPort + 2)" }

    static let anyPorts = [
        "--client-bind", "tcp://127.0.0.1:*", "--worker-bind", "tcp://127.0.0.1:*", "--data-bind", "tcp://127.0.0.1:*",
    ]

    /// A coordinator on the lab's ports and state dir, once it says it is listening.
    func startCoordinator(_ label: String) async throws -> LabProcess {
        let process = try launch(label, [
            "coordinator", "--client-bind", clientEndpoint, "--worker-bind", workerEndpoint, "--data-bind", dataEndpoint,
            "--state-dir", path("state"), "--log-format", "json",
        ])
        let deadline = Date().addingTimeInterval(30)
        while !process.log().contains("\"message\":\"coordinator listening\"") {
            guard process.isRunning, Date() < deadline else {
                throw LabError("coordinator \(label) did not start: \(process.errors())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process
    }

    func startWorker(_ index: Int) throws -> LabProcess {
        try launch("worker-\(index)", [
            "worker", "--connect", workerEndpoint, "--slots", "1", "--threads", "1", "--cache-dir", path("cache-\(index)"),
            "--name", "w\(index)", "--log-format", "json",
        ])
    }

    /// Runs a command to its end: exit status, standard output and error.
    func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        let label = "run-\(UInt32.random(in: 0...UInt32.max))"
        let process = try launch(label, arguments)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return (process.process.terminationStatus, process.log(), process.errors())
    }

    private func launch(_ label: String, _ arguments: [String]) throws -> LabProcess {
        let process = try LabProcess(binary: binary, arguments: arguments, logPath: path("\(label).log"), errorPath: path("\(label).err"))
        processes.append(process)
        return process
    }

    /// The stored result files of `job` in the lab's state dir, by task.
    func storedResults(_ job: String) -> [Int: [UInt8]] {
        let folder = path("state/jobs/\(job)/results")
        var files: [Int: [UInt8]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".bin") {
            if let task = Int(name.dropLast(4)), let bytes = Self.bytes("\(folder)/\(name)") { files[task] = bytes }
        }
        return files
    }

    func tearDown() {
        for process in processes where process.isRunning { process.killNow() }
        try? FileManager.default.removeItem(atPath: root)
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Tasks of `job` a worker's JSON log says it started.
    static func tasksStarted(in log: String, job: String) -> [Int] {
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

    /// A CSV the `crossfold` readers take: id, label, then the features.
    static func writeCSV(_ dataset: Dataset, to path: String) throws {
        var text = "id,label," + (0..<dataset.featureCount).map { "f\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<dataset.rowCount {
            let labels = dataset.labels[(row * dataset.conceptCount)..<((row + 1) * dataset.conceptCount)]
            let concept = (labels.firstIndex(of: 1) ?? labels.startIndex) - labels.startIndex
            let features = dataset.features[(row * dataset.featureCount)..<((row + 1) * dataset.featureCount)]
            text += "\(dataset.ids[row]),\(dataset.concepts[concept]),"
                + features.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The `crossfold` binary beside the test bundle (the same build directory).
    static func crossfoldBinary() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("crossfold").path
    }

    /// A port P with P, P+1 and P+2 free on 127.0.0.1.
    static func freePortTriple() throws -> Int {
        for _ in 0..<50 {
            let port = bindable(0)
            if port > 0, port + 2 < 65536, bindable(port + 1) > 0, bindable(port + 2) > 0 { return port }
        }
        throw LabError("no three consecutive free ports on 127.0.0.1")
    }

    /// Binds `port` (0: any) on 127.0.0.1 and releases it; the port bound, or 0.
    private static func bindable(_ port: Int) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
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

/// One `crossfold` process, its standard output and error in files.
final class LabProcess: @unchecked Sendable {
    // @unchecked: Foundation's Process is thread-safe for the calls made here (run, pid, status).
    let process = Process()
    let logPath: String
    let errorPath: String

    init(binary: String, arguments: [String], logPath: String, errorPath: String) throws {
        self.logPath = logPath
        self.errorPath = errorPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        // The daemons read CROSSFOLD_* variables; the test's own settings must not leak in.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CROSSFOLD_") }
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits (up to 30 s) for the process to end.
    func kill(_ signal: Int32) async {
        _ = Glibc.kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// SIGKILL without waiting, for cleanup.
    func killNow() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }

    func log() -> String { String(decoding: RestartLab.bytes(logPath) ?? [], as: UTF8.self) }
    func errors() -> String { String(decoding: RestartLab.bytes(errorPath) ?? [], as: UTF8.self) }
    func logSize() -> Int { RestartLab.bytes(logPath)?.count ?? 0 }
    func log(from offset: Int) -> String {
        let bytes = RestartLab.bytes(logPath) ?? []
        return String(decoding: bytes[min(offset, bytes.count)...], as: UTF8.self)
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
