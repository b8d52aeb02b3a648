#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

package enum Softmax {
    /// Softmax along the middle axis of input viewed as [outer, axis, inner].
    package static func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                           outer: Int, axis: Int, inner: Int) {
        guard outer > 0, axis > 0, inner > 0 else { return }
        // Per-position running max and sum, walked row by row so the inner loops are contiguous.
        let stats = UnsafeMutablePointer<Float>.allocate(capacity: 2 * inner)
        defer { stats.deallocate() }
        let peak = stats, sum = stats + inner
        for o in 0..<outer {
            let src = input + o * axis * inner, dst = output + o * axis * inner
            peak.update(from: src, count: inner)
            for a in 1..<axis {
                let row = src + a * inner
                for i in 0..<inner { peak[i] = max(peak[i], row[i]) }
            }
            // Subtracting the max keeps exp from overflowing.
            sum.update(repeating: 0, count: inner)
            for a in 0..<axis {
                let row = src + a * inner, out = dst + a * inner
                for i in 0..<inner {
                    let e = expf(row[i] - peak[i])
                    out[i] = e
                    sum[i] += e
                }
            }
            for i in 0..<inner { sum[i] = 1 / sum[i] }
            for a in 0..<axis {
                let out = dst + a * inner
                for i in 0..<inner { out[i] *= sum[i] }
            }
        }
    }
}
