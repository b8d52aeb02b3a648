#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's resident memory (RSS), as the operating system counts it. Pages of a
/// memory-mapped `.zoo` count once touched.
public enum ResidentMemory {
    /// The process's high-water mark since it started (`getrusage` `ru_maxrss`), in bytes.
    public static func peakBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024  // Linux counts KiB
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)         // macOS counts bytes
        #endif
    }

    /// Restarts the high-water mark at the current RSS, so a later `peakSinceResetBytes` leaves
    /// out what loading used and gave back (Linux only: writing 5 to /proc/self/clear_refs).
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

    /// The high-water mark since the last `resetPeak` (VmHWM in /proc/self/status), in bytes;
    /// nil where there is no such file.
    public static func peakSinceResetBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kib * 1024
    }
}
