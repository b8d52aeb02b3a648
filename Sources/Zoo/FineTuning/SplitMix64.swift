/// A small seeded generator (SplitMix64) of our own, so that shuffles, splits, dropout masks
/// and initial weights are the same for a seed on every machine and Swift version (the
/// standard library's generators and shuffle algorithm promise neither).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in 0..<n by the multiply-high method (bias below 2^-64 * n: irrelevant here).
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "SplitMix64.below(\(n))")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Fisher-Yates, written out so the order is ours and stable.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }

    /// A generator for sub-task `index` (one per image, per epoch...), independent of how many
    /// numbers the parent has drawn, so results do not depend on the order work is done in.
    static func derived(seed: UInt64, _ parts: UInt64...) -> SplitMix64 {
        var g = SplitMix64(seed: seed)
        for part in parts { g = SplitMix64(seed: g.next() ^ (part &* 0xD6E8_FEB8_6659_FD93)) }
        return g
    }
}
