@testable import Cluster
import Foundation
import Testing

/// The memory a coordinator may use: its host's, or its cgroup's limit when that is smaller.
@Suite struct HostMemoryTests {
    @Test func memTotalIsReadInBytes() {
        let meminfo = "MemTotal:       24683784 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n"
        #expect(HostMemory.memTotal(meminfo) == 24_683_784 * 1024)
        #expect(HostMemory.memTotal("MemFree: 1 kB\n") == nil)
        #expect(HostMemory.memTotal("MemTotal: lots kB\n") == nil)
    }

    @Test func everyCgroupFromTheProcessesOwnToItsTopMayHoldALimit() {
        let v2 = HostMemory.limitFiles(cgroupMembership: "0::/system.slice/crossfold.service\n")
        #expect(v2 == ["/sys/fs/cgroup/system.slice/crossfold.service/memory.max", "/sys/fs/cgroup/system.slice/memory.max"])
        #expect(HostMemory.limitFiles(cgroupMembership: "0::/\n").isEmpty)
        let v1 = HostMemory.limitFiles(cgroupMembership: "5:devices:/\n4:memory:/libpod_parent/abc\n3:cpu,cpuacct:/\n")
        #expect(v1 == [
            "/sys/fs/cgroup/memory/libpod_parent/abc/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/libpod_parent/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
        ])
        #expect(HostMemory.limitFiles(cgroupMembership: "garbage\n::\n").isEmpty)
    }

    @Test func noLimitIsReadAsNone() {
        #expect(HostMemory.limit("max\n") == nil)
        #expect(HostMemory.limit("9223372036854771712\n") == nil)
        #expect(HostMemory.limit("0") == nil)
        #expect(HostMemory.limit("2147483648\n") == 2 << 30)
    }

    /// On the machine the tests run on: at most MemTotal, and something.
    @Test func thisHostsLimitIsAtMostItsMemory() throws {
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let total = try #require(HostMemory.memTotal(meminfo))
        let limit = try #require(HostMemory.limitBytes())
        #expect(limit > 0 && limit <= total)
    }
}
