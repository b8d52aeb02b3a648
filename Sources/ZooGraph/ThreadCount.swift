import Foundation

/// How many threads inference uses by default: the CPUs this process may run on, capped by
/// a cgroup CPU quota (a container limited to 2 CPUs on a 64-core host gets 2, not 64).
public enum ThreadCount {
    /// The CPUs this process may use, at least 1.
    public static let `default`: Int = {
        var count = ProcessInfo.processInfo.activeProcessorCount
        if let quota = cgroupQuota() { count = min(count, quota) }
        return max(1, count)
    }()

    /// cgroup v2 `cpu.max` ("max 100000" or "200000 100000"), else cgroup v1's quota files.
    static func cgroupQuota() -> Int? {
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8) {
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if parts.count >= 2, let quota = Double(parts[0]), let period = Double(parts[1]), period > 0 {
                return Int((quota / period).rounded(.up))
            }
            return nil
        }
        if let q = try? String(contentsOfFile: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", encoding: .utf8),
           let p = try? String(contentsOfFile: "/sys/fs/cgroup/cpu/cpu.cfs_period_us", encoding: .utf8),
           let quota = Double(q.trimmingCharacters(in: .whitespacesAndNewlines)),
           let period = Double(p.trimmingCharacters(in: .whitespacesAndNewlines)), quota > 0, period > 0 {
            return Int((quota / period).rounded(.up))
        }
        return nil
    }
}
