/// Lets the CPU-heavy tests (the fuzz and fault tests) run one at a time, whatever suite or test
/// target they are in: side by side on a 2-core machine they starve each other and the
/// timing-sensitive tests of the rest of the suite. Waiting suspends; it never blocks a thread.
public actor ExclusiveTests {
    public static let shared = ExclusiveTests()

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other exclusive test is running.
    public static func run<T>(_ body: () async throws -> T) async rethrows -> T {
        await shared.acquire()
        do {
            let result = try await body()
            await shared.release()
            return result
        } catch {
            await shared.release()
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
