#if canImport(Glibc)
import Glibc
#endif

/// Seconds since 1970, for the times a store records (when a job was accepted and finished).
/// Scheduling never uses it: leases and heartbeats run on the monotonic clock.
enum WallClock {
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
