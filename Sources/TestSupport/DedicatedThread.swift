import Foundation

/// Runs CPU-heavy or blocking test work (building large datasets, computing expected metrics) on
/// a thread of its own and awaits the result. The cooperative pool has one thread per core, two
/// on the reference machine; a test computing there for seconds starves every other test's tasks.
public enum DedicatedThread {
    public static func run<T: Sendable>(
        _ name: String = "crossfold.test.work", _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
