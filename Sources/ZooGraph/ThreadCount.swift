import CZooKernels
import ZooTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads inference uses by default: the CPUs this process may run on, capped by
/// a cgroup CPU quota (a container limited to 2 CPUs on a 64-core host gets 2, not 64).
///
/// Read with system calls rather than Foundation's `activeProcessorCount` and file reading: those
/// took about 0.35 ms of every `zoo` command's start, most of it first-use set-up inside Foundation.
public enum ThreadCount {
    /// The CPUs this process may use, at least 1.
    public static let `default`: Int = {
        var count = allowedCPUs()
        if let quota = cgroupQuota() { count = min(count, quota) }
        return max(1, count)
    }()

    /// The CPUs in this process's affinity mask (Linux), else the online CPUs.
    static func allowedCPUs() -> Int {
        let affinity = Int(zoo_affinity_cpu_count())
        return affinity > 0 ? affinity : max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// cgroup v2 `cpu.max` ("max 100000" or "200000 100000"), else cgroup v1's quota files.
    static func cgroupQuota() -> Int? {
        if let text = systemFileFirstLine("/sys/fs/cgroup/cpu.max") {
            let parts = text.split(separator: " ")
            guard parts.count >= 2 else { return nil }
            return quota(String(parts[0]), period: String(parts[1]))
        }
        guard let quotaText = systemFileFirstLine("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
              let periodText = systemFileFirstLine("/sys/fs/cgroup/cpu/cpu.cfs_period_us") else { return nil }
        return quota(quotaText, period: periodText)
    }

    /// CPUs allowed by a quota of `quota` microseconds per `period`, rounded up; nil for no
    /// limit ("max" in v2, -1 in v1) or text that is not a positive number.
    static func quota(_ quota: String, period: String) -> Int? {
        guard let quota = Double(quota), let period = Double(period), quota > 0, period > 0 else { return nil }
        return Int((quota / period).rounded(.up))
    }
}
