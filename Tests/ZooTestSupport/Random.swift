/// A small deterministic generator (SplitMix64) so tests are reproducible without Foundation.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform floats in [lo, hi).
    public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}

/// Relative L2 error ||a - b|| / max(||b||, tiny), in Double.
public func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count) values")
    var diff = 0.0, norm = 0.0
    for i in 0..<a.count {
        let d = Double(a[i]) - Double(b[i])
        diff += d * d
        norm += Double(b[i]) * Double(b[i])
    }
    return (diff / max(norm, 1e-30)).squareRoot()
}

/// Relative L2 error against a float64 reference.
public func relativeL2(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count) values")
    var diff = 0.0, norm = 0.0
    for i in 0..<a.count {
        let d = Double(a[i]) - b[i]
        diff += d * d
        norm += b[i] * b[i]
    }
    return (diff / max(norm, 1e-30)).squareRoot()
}
