import CBLAS

/// Row-major single-precision matrix products through OpenBLAS `cblas_sgemm`; the one place the
/// learners call BLAS.
///
/// OpenBLAS runs single-threaded inside the learners' own threads (`OpenBLASThreads`). The inner
/// dimension still goes to sgemm in chunks of at most `innerChunk`, accumulated in order, so a
/// product does not change if OpenBLAS's thread count ever does: OpenBLAS cuts an inner dimension
/// between its panel depth (384 for the x86 kernels here) and twice that at a different place with
/// one thread than with several, which changes the rounding (measured with OpenBLAS 0.3.21).
enum MatrixProduct {
    static let innerChunk = 256

    /// `c = alpha * op(a) * op(b) + beta * c`, where `op(a)` is `m × k`, `op(b)` is `k × n`, `c` is
    /// `m × n`; `lda`, `ldb`, `ldc` are the row strides of the matrices as stored.
    static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool = false, lda: Int,
        _ b: UnsafePointer<Float>, transposeB: Bool = false, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "matrix dimensions must not be negative")
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max), "matrix dimensions must fit a 32-bit BLAS int")
        guard m > 0, n > 0 else { return }
        _ = OpenBLASThreads.single
        guard k > 0 else {
            for i in 0..<m {
                for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        var start = 0
        var chunkBeta = beta
        while start < k {
            let depth = min(innerChunk, k - start)
            // op(a)'s columns start..<start+depth: columns of a, or rows of a when transposed.
            let aChunk = transposeA ? a + start * lda : a + start
            let bChunk = transposeB ? b + start : b + start * ldb
            cblas_sgemm(
                CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(depth),
                alpha, aChunk, Int32(lda), bChunk, Int32(ldb),
                chunkBeta, c, Int32(ldc)
            )
            chunkBeta = 1
            start += depth
        }
    }
}
