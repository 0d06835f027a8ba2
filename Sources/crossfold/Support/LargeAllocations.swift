#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc serves a block above its mmap threshold with its own mapping and unmaps it when
/// it is freed. The threshold starts at 128 KiB but rises to the size of any such block freed (up to
/// 32 MiB), after which blocks of tens of MB come from the heap and, once freed, stay resident:
/// a fold's scores, a predictions page, a decoded result. Fixing the threshold at 1 MiB gives that
/// memory back as soon as it is freed (measured in docs/PERFORMANCE.md, "Large datasets": a third
/// less peak RssAnon in `evaluate` of 1M x 128, no change in time).
enum LargeAllocations {
    /// `M_MMAP_THRESHOLD` in glibc's <malloc.h>, which the Glibc module does not import.
    static let mmapThresholdParameter: Int32 = -3
    static let threshold: Int32 = 1 << 20

    static func returnToSystemWhenFreed() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThresholdParameter, threshold)
        #endif
    }
}
