/// Byte counts as people read them in messages and progress bars, the same in every locale.
public enum ByteCount {
    /// `1234567` as `1,234,567`.
    public static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return n < 0 ? "-" + out : out
    }

    /// `18826032` as `18.8 MB` (decimal units, one decimal place above 1 kB).
    static func short(_ n: Int64) -> String {
        let units = ["kB", "MB", "GB", "TB"]
        guard n >= 1000 else { return "\(n) B" }
        var value = Double(n) / 1000
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
