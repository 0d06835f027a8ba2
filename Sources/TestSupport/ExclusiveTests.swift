/// Lets heavy tests run one at a time, whatever suite or test target they are in: side by side on
/// a 2-core machine they starve each other and the timing-sensitive tests of the rest of the suite.
/// Three lanes, each one test at a time: `shared` for the CPU-heavy tests (the fuzz and fault
/// tests, the digits sweeps; `run`), `labs` for the namespace labs (`withLab` takes it: each lab
/// runs a coordinator, workers and clients as processes of their own), `clusters` for in-process
/// clusters of several workers (restart drills, verification, tenancy), `python` for the python
/// oracles (`PythonOracle.run` takes it around the process alone). A test may hold `shared` and
/// then take `labs`, never the other way round; `clusters` is taken alone; `python` is taken last
/// and holds nothing else. A test's time limit
/// includes its wait, so a laned test's limit allows for the others in its lane. Waiting
/// suspends; it never blocks a thread.
public actor ExclusiveTests {
    public static let shared = ExclusiveTests()
    public static let labs = ExclusiveTests()
    public static let clusters = ExclusiveTests()
    public static let python = ExclusiveTests()

    public init() {}

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other test of the `shared` lane is running.
    public static func run<T>(_ body: () async throws -> T) async rethrows -> T {
        try await shared.run(body)
    }

    /// The lanes the current task holds: a test that already holds a lane runs nested work in it
    /// at once (two labs side by side in one test, `withLab` inside `withLab`), where waiting for
    /// itself would never end.
    @TaskLocal private static var held: Set<ObjectIdentifier> = []

    /// Runs `body` once no other test of this lane is running.
    public nonisolated func run<T>(_ body: () async throws -> T) async rethrows -> T {
        let lane = ObjectIdentifier(self)
        if Self.held.contains(lane) { return try await body() }
        await acquire()
        do {
            let result = try await Self.$held.withValue(Self.held.union([lane])) { try await body() }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
