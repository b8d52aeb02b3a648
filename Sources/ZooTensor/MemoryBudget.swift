import Foundation
import Synchronization

/// The one memory budget of a zoo process: every allocation whose size comes from a file or a
/// flag (weights, a plan's activation arena at the requested batch, padded and resized images,
/// inflated zip entries, decoded images in flight) is checked against it before it is made, so
/// a 151-byte model cannot ask for 480 GB and die in the allocator (issue 15).
///
/// The default is `defaultFraction` of the lower of the cgroup memory limit and physical
/// memory; `ZOO_MAX_MEMORY` (read on first use) or the CLI's `--max-memory` replace it.
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes the process may spend on sizes taken from its input.
    public var bytes: Int

    /// - Parameter bytes: the budget in bytes.
    public init(bytes: Int) { self.bytes = max(bytes, 0) }

    /// The share of available memory the default budget allows.
    public static let defaultFraction = 0.75

    /// The budget in force for this process.
    public static var current: MemoryBudget {
        get { state.withLock { budget in
            if let budget { return budget }
            let made = fromEnvironment() ?? systemDefault()
            budget = made
            return made
        } }
        set { state.withLock { $0 = newValue } }
    }
    private static let state = Mutex<MemoryBudget?>(nil)

    /// `ZOO_MAX_MEMORY` when it is set and readable.
    public static func fromEnvironment() -> MemoryBudget? {
        environmentVariable("ZOO_MAX_MEMORY").flatMap(parse).map { MemoryBudget(bytes: $0) }
    }

    /// `defaultFraction` of the lower of the cgroup limit and physical memory.
    public static func systemDefault() -> MemoryBudget {
        let physical = sysconf(Int32(_SC_PHYS_PAGES)).multipliedReportingOverflow(by: sysconf(Int32(_SC_PAGESIZE))).partialValue
        let available = min(physical, cgroupLimit() ?? physical)
        return MemoryBudget(bytes: Int(Double(available) * defaultFraction))
    }

    /// The memory limit of this process's cgroup (v2 `memory.max`, else v1), or nil when unlimited.
    static func cgroupLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = systemFileFirstLine(path) else { continue }
            // v1 reports "no limit" as a number near 2^63, v2 as "max".
            if let value = text.split(separator: " ").first.flatMap({ Int($0) }), value < 1 << 60 { return value }
        }
        return nil
    }

    /// Reads `8G`, `512MB`, `1.5GiB`, `2048k` or plain bytes (K, M, G, T are powers of 1024,
    /// as `ulimit` and container runtimes read them). Nil for anything else.
    public static func parse(_ text: String) -> Int? {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = lower.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        let unit = lower.dropFirst(digits.count).replacingOccurrences(of: "ib", with: "").replacingOccurrences(of: "b", with: "")
        let scale: Double
        switch unit {
        case "": scale = 1
        case "k": scale = Double(1 << 10)
        case "m": scale = Double(1 << 20)
        case "g": scale = Double(1 << 30)
        case "t": scale = Double(1 << 40)
        default: return nil
        }
        let bytes = number * scale
        return bytes < Double(Int.max) ? Int(bytes) : nil
    }

    /// Throws unless `needed` bytes (nil: a size that overflowed) fit the budget. The message
    /// reads `<action> needs 480 GB of <kind> (limit 19 GB)`.
    public func check(_ needed: Int?, _ action: @autoclosure () -> String, kind: String) throws(MemoryBudgetExceeded) {
        if let needed, needed <= bytes { return }
        throw MemoryBudgetExceeded(needed: needed, limit: bytes, action: action(), kind: kind)
    }

    /// A byte count for people: `480 GB`, `1.5 GB`, `12 MB` (powers of 1000).
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : value >= 10 ? "\(Int(value.rounded())) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}

/// An allocation refused because it would exceed the `MemoryBudget`.
public struct MemoryBudgetExceeded: Error, CustomStringConvertible, Sendable {
    /// Bytes asked for; nil when the size overflowed 64 bits.
    public let needed: Int?
    /// The budget in bytes.
    public let limit: Int
    /// What was being done, e.g. `m.onnx: running this model at batch 8`.
    public let action: String
    /// What the bytes are for, e.g. `activation memory`.
    public let kind: String

    /// - Parameters:
    ///   - needed: bytes asked for, nil when the size overflowed.
    ///   - limit: the budget in bytes.
    ///   - action: what was being done (`m.onnx: running this model at batch 8`).
    ///   - kind: what the bytes are for (`activation memory`).
    public init(needed: Int?, limit: Int, action: String, kind: String) {
        self.needed = needed
        self.limit = limit
        self.action = action
        self.kind = kind
    }

    /// The refusal in one line, with both sizes and how to raise the budget.
    public var description: String {
        let amount = needed.map(MemoryBudget.describe) ?? "more than 64-bit sizes can count"
        return "\(action) needs \(amount) of \(kind) (limit \(MemoryBudget.describe(limit)); see --max-memory)"
    }
}

extension Shape {
    /// Bytes of a tensor of this shape with elements of `elementBytes`, or nil on overflow.
    public func checkedByteCount(elementBytes: Int) -> Int? {
        guard let count = checkedElementCount else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementBytes)
        return overflow ? nil : bytes
    }
}
