import Dispatch
import Synchronization

/// Runs work on row blocks over the fold's threads (`RowView.threads`).
///
/// Threads take the next block from a shared counter, so a thread slowed by a busy core does not hold
/// the others back. The caller keeps every block's result apart and combines them in block order, so
/// which thread ran which block never shows in the result.
enum BlockRunner {
    /// Calls `body(block, lane)` once for every block in `0..<blocks`; `lane` (below `lanes`) names the
    /// thread, for per-thread scratch buffers. Returns when all calls have returned.
    static func run(blocks: Int, lanes: Int, _ body: (_ block: Int, _ lane: Int) -> Void) {
        let lanes = max(1, min(lanes, blocks))
        guard lanes > 1 else {
            for block in 0..<blocks { body(block, 0) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            // The blocks' work touches buffers through raw pointers, which are not Sendable; every
            // caller gives each block and each lane its own region, so the threads never share a write.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                while true {
                    let block = next.add(1, ordering: .relaxed).oldValue
                    guard block < blocks else { return }
                    body(block, lane)
                }
            }
        }
    }
}
