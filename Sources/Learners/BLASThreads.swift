import CBLAS
import Synchronization

/// How many threads one fold's training and prediction use, process-wide.
///
/// The learners split their passes over the rows into fixed blocks and run the blocks on this many
/// threads; each thread calls OpenBLAS single-threaded (the learners set OpenBLAS to one thread
/// before their first product). Splitting the blocks ourselves keeps both cores busy through the
/// whole pass (row gathering and the elementwise loss as well as the products), where OpenBLAS's own
/// threads would only split each small block product and wait on each other.
///
/// A worker runs one fold per slot and sets this once, before any fold starts: slots × threads
/// should not exceed the cores it may use. Typical: one slot per core with 1 thread each for K-fold
/// jobs, or one slot with all cores for a single large fold (a holdout evaluation).
///
/// Results never depend on this count: every block's partial sums are kept apart and added in block
/// order, and no product's inner dimension exceeds the depth at which OpenBLAS would split it
/// differently (see `MatrixProduct`). The default is 1.
public enum BLASThreads {
    private static let threads = Atomic<Int>(1)

    /// Sets the number of threads each fold uses from now on; values below 1 count as 1.
    public static func set(_ n: Int) {
        threads.store(max(1, n), ordering: .relaxed)
    }

    /// The number of threads each fold uses.
    public static var current: Int { threads.load(ordering: .relaxed) }

    /// OpenBLAS's own thread count is kept at 1: our threads already call it concurrently, and
    /// concurrent callers of a multi-threaded OpenBLAS 0.3.x contend for (and can corrupt) its one
    /// thread pool.
    static let singleThreadedBLAS: Void = openblas_set_num_threads(1)
}
