import Foundation

/// The memory this process may use: its host's (`MemTotal`), or less when a cgroup it is in (a
/// container's, a systemd unit's) is limited. The coordinator takes as many tasks per job as half
/// of it holds (`JobLimits.memoryRefusal`).
public enum HostMemory {
    /// The smallest of `MemTotal` and every memory limit on this process's cgroup and its
    /// ancestors (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`); nil when `/proc/meminfo`
    /// cannot be read.
    public static func limitBytes() -> Int? {
        guard let total = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).flatMap(memTotal) else {
            return nil
        }
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        let limits = limitFiles(cgroupMembership: membership).compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(limit)
        }
        return ([total] + limits).min()
    }

    /// `MemTotal` of `/proc/meminfo`'s text, in bytes.
    static func memTotal(_ meminfo: String) -> Int? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
            return kibibytes.multipliedReportingOverflow(by: 1024).overflow ? nil : kibibytes * 1024
        }
        return nil
    }

    /// The files that may hold a memory limit on a process whose `/proc/self/cgroup` reads
    /// `membership`: its cgroup's and each ancestor's, for v2 (`0::/path`) and v1 (`N:memory:/path`).
    static func limitFiles(cgroupMembership membership: String) -> [String] {
        var files: [String] = []
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0", parts[1].isEmpty {
                files += ancestors(of: path).map { "/sys/fs/cgroup\($0)/memory.max" }
            } else if parts[1].split(separator: ",").contains("memory") {
                files += (ancestors(of: path) + [""]).map { "/sys/fs/cgroup/memory\($0)/memory.limit_in_bytes" }
            }
        }
        return files
    }

    /// `/a/b` → `/a/b`, `/a`; the root's own files are not limits in v2.
    private static func ancestors(of path: String) -> [String] {
        var components = path.split(separator: "/").map(String.init)
        var paths: [String] = []
        while !components.isEmpty {
            paths.append("/" + components.joined(separator: "/"))
            components.removeLast()
        }
        return paths
    }

    /// A limit file's value in bytes; nil for `max` (v2's none) or v1's none (a page-rounded
    /// `Int64.max`, 9223372036854771712), which no host has.
    static func limit(_ text: String) -> Int? {
        guard let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0, bytes < 1 << 60 else {
            return nil
        }
        return bytes
    }
}
