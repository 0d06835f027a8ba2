import CBLAS

/// OpenBLAS's own thread count, held at 1 for the whole process.
///
/// The learners split their passes over the rows into fixed blocks and run the blocks on the threads
/// a fold is given (`RowView.threads`, which a worker sets from its `--threads`); each of those
/// threads calls OpenBLAS single-threaded. Splitting the blocks ourselves keeps every core busy
/// through the whole pass (row gathering and the elementwise loss as well as the products), where
/// OpenBLAS's own threads would only split each small block product and wait on each other; and
/// concurrent callers of a multi-threaded OpenBLAS 0.3.x contend for (and can corrupt) its one
/// thread pool. Results never depend on the thread count: every block's partial sums are kept apart
/// and added in block order, and no product's inner dimension exceeds the depth at which OpenBLAS
/// would split it differently (see `MatrixProduct`).
enum OpenBLASThreads {
    /// Sets OpenBLAS to one thread, once, before the first product.
    static let single: Void = openblas_set_num_threads(1)
}
