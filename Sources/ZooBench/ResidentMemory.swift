#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's resident memory (RSS), as the operating system counts it. Pages of a
/// memory-mapped `.zoo` count once touched.
public enum ResidentMemory {
    /// The high-water mark of this process's RSS (since the last `resetPeak`), in bytes.
    ///
    /// On Linux this is VmHWM from /proc/self/status, not `getrusage`: a process started by
    /// vfork or posix_spawn (Python's subprocess does) inherits its parent's `ru_maxrss` at
    /// exec, so a benchmark launched from a big Python process would report the parent's peak.
    public static func peakBytes() -> Int {
        if let bytes = statusField("VmHWM:") { return bytes }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024  // Linux counts KiB
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)         // macOS counts bytes
        #endif
    }

    /// The RSS now (VmRSS, Linux only): before a model loads, this is the process's floor (the
    /// Swift runtime, Foundation and the C libraries), which no model can go below.
    public static func currentBytes() -> Int? { statusField("VmRSS:") }

    /// A "Name:  123 kB" line of /proc/self/status, in bytes.
    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kib = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kib * 1024
    }

    /// Restarts the high-water mark at the current RSS, so a later `peakBytes` leaves out what
    /// loading used and gave back (Linux only: writing 5 to /proc/self/clear_refs).
    /// Returns false where that is not possible.
    public static func resetPeak() -> Bool {
        #if os(Linux)
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
        #else
        return false
        #endif
    }
}
