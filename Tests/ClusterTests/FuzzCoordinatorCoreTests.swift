import Cluster
import Datasets
import Foundation
import Synchronization
import Testing
import TestSupport
import Wire

/// Hostile messages straight through the wire decoders into `CoordinatorCore`, without sockets
/// (90,000 here; `FuzzCoordinatorTests` sends 300,000 over TCP): a failure names the exact message. A
/// registered worker holds tasks of a running job meanwhile, so messages reach the scheduler with
/// real jobs, tasks and attempts to confuse.
@Suite struct FuzzCoordinatorCoreTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_SEED"] ?? "") ?? 0xF022
    static let perTarget = 30_000

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func hostileMessagesThroughTheDecodersNeverCrashOrStallTheCore() async throws {
        try await ExclusiveTests.run { try await runHostileMessagesThroughTheDecodersNeverCrashOrStallTheCore() }
    }

    private func runHostileMessagesThroughTheDecodersNeverCrashOrStallTheCore() async throws {
        let iris = try WorkerExamples.iris()
        let seed = Self.seed
        let count = 3 * Self.perTarget
        let counts = Mutex<[String: Int]>([:])
        let rssBefore = FuzzProcess.residentBytes
        // The core lives on the watchdog's thread: only that thread touches it.
        let shared = Mutex<FuzzCoreDriver?>(nil)
        let report = await FuzzWatchdog.run(count: count + 1, limit: .seconds(10), name: "crossfold.fuzz.core") { index in
            shared.withLock { driver in
                if driver == nil { driver = FuzzCoreDriver(iris: iris, seed: seed) }
                let outcome = index < count ? driver?.step(index) : driver?.finish()
                if let outcome { counts.withLock { $0[outcome, default: 0] += 1 } }
            }
        }
        if let hung = report.hung {
            Issue.record("seed \(seed): message \(hung) (\(FuzzCoreDriver.describe(seed: seed, index: hung, iris: iris))) stalled the core")
        }
        #expect(report.completed == count + 1)
        let final = counts.withLock { $0 }
        let rssAfter = FuzzProcess.residentBytes
        print("fuzz core: seed \(seed), \(count) messages in \(report.elapsed) (slowest \(report.slowest.time)); "
              + "outcomes \(final.sorted { $0.key < $1.key }); RSS \(rssBefore >> 20) -> \(rssAfter >> 20) MiB")
        #expect(final["still answers INFO"] == 1, "the core stopped answering after the fuzz")
        #expect(rssAfter - rssBefore < 512 << 20)
    }
}

/// The state of one core fuzz run (kept on the watchdog thread between cases).
final class FuzzCoreDriver {
    var core: CoordinatorCore
    let registry = DatasetRegistry()
    let effects: InlineEffects
    let seed: UInt64
    var generator: FuzzMessageGenerator
    let honest = PeerID([0xAA, 1])
    let client = PeerID([0xCC, 1])
    var now: Duration = .zero

    init(iris: (bytes: [UInt8], hash: String, dataset: Dataset), seed: UInt64) {
        self.seed = seed
        let store = InMemoryJobStore()
        core = CoordinatorCore(store: store, registry: registry, software: "fuzz")
        effects = InlineEffects(store: store, registry: registry, software: "fuzz")
        registry.register(hash: iris.hash, bytes: iris.bytes, dataset: iris.dataset)
        generator = FuzzMessageGenerator(world: FuzzWorld(
            dataset: iris.hash, datasetSize: iris.bytes.count, rows: iris.dataset.rowCount,
            concepts: iris.dataset.conceptCount, foldSizes: [30]))
        let small = GaussianClusters.make(rows: 20, features: 2, concepts: 2, seed: 3)
        let bytes = CanonicalDataset.encode(small)
        generator.world.uploadable = [(SHA256Hasher.hash(bytes), bytes)]
        // An honest worker with a slot, and a job whose tasks it holds.
        let ready = WorkerMessage.Ready(name: "honest", slots: 2, threads: 1, cached: [iris.hash], software: "fuzz")
        absorb(effects.handle(.worker(honest, .ready(ready), identity: nil), on: &core, now: now))
        let spec = JobSpec(dataset: iris.hash, datasetName: "iris.jsonl", split: "stratified", folds: 5, repeats: 1,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        absorb(effects.handle(.client(client, .submit(request: "honest-1", spec: spec)), on: &core, now: now))
    }

    /// The message of case `index`, for a failure report.
    static func describe(seed: UInt64, index: Int, iris: (bytes: [UInt8], hash: String, dataset: Dataset)) -> String {
        var generator = FuzzMessageGenerator(world: FuzzWorld(
            dataset: iris.hash, datasetSize: iris.bytes.count, rows: iris.dataset.rowCount,
            concepts: iris.dataset.conceptCount, foldSizes: [30]))
        var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
        let message = generator.message(for: FuzzTarget.allCases[index % 3], using: &random)
        let header = message.frames.count > 2 ? String(decoding: message.frames[2].prefix(400), as: UTF8.self) : ""
        return "\(FuzzTarget.allCases[index % 3]) \(message.label), \(message.frames.map(\.count)) bytes per frame, header \(header)"
    }

    /// Feeds message `index`; returns a label for the statistics.
    func step(_ index: Int) -> String {
        var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
        let target = FuzzTarget.allCases[index % 3]
        let message = generator.message(for: target, using: &random)
        let peer = PeerID([UInt8(index % 3), UInt8(random.below(4))])
        if index % 500 == 0 {
            now += .milliseconds(50)
            absorb(effects.handle(.tick, on: &core, now: now))
        }
        switch target {
        case .client:
            do throws(WireError) {
                absorb(effects.handle(.client(peer, try ClientRequest.decode(message.frames)), on: &core, now: now))
                return "client accepted"
            } catch {
                absorb(effects.handle(.malformed(peer, socket: .client, error), on: &core, now: now))
                return "client \(error.kind.rawValue)"
            }
        case .worker:
            do throws(WireError) {
                let decoded = try WorkerMessage.decode(message.frames)
                absorb(effects.handle(.worker(peer, decoded, identity: nil), on: &core, now: now))
                return "worker accepted"
            } catch {
                absorb(effects.handle(.malformed(peer, socket: .worker, error), on: &core, now: now))
                return "worker \(error.kind.rawValue)"
            }
        case .data:
            // The data socket is served on the reactor thread; its decoder is what can fail here.
            do throws(WireError) {
                let request = try FetchRequest.decode(message.frames)
                _ = registry.entry(request.dataset).map { request.offset <= $0.bytes.count }
                return "data accepted"
            } catch {
                return "data \(error.kind.rawValue)"
            }
        }
    }

    /// After the fuzz: the core still answers a plain INFO.
    func finish() -> String {
        let outputs = effects.handle(.client(client, .info(.init(request: "after"))), on: &core, now: now)
        let answered = outputs.contains { if case .toClient(_, .info(let info)) = $0 { info.request == "after" } else { false } }
        return answered ? "still answers INFO" : "INFO unanswered"
    }

    /// Carries out what a shell would (the effects run inline): tasks to the honest worker are left
    /// to lapse, and jobs the fuzz started are cancelled.
    func absorb(_ outputs: [CoordinatorOutput]) {
        for output in outputs {
            switch output {
            case .toClient(let peer, .submitted(let request, let job)) where peer != client:
                generator.world.ownJobs.append(job)
                absorb(effects.handle(.client(peer, .cancel(request: request + "-cancel", job: job)), on: &core, now: now))
            case .toWorker(_, .task(let task, _)):
                if !generator.world.jobs.contains(task.job) { generator.world.jobs.append(task.job) }
            default:
                break
            }
        }
    }
}

/// Figures about this process, for memory bounds.
enum FuzzProcess {
    /// Resident set size (VmRSS) in bytes, 0 when /proc cannot tell.
    static var residentBytes: Int { status("VmRSS:") }
    /// Peak resident set size (VmHWM) in bytes.
    static var peakResidentBytes: Int { status("VmHWM:") }

    private static func status(_ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) })
        else { return 0 }
        let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes << 10
    }
}
