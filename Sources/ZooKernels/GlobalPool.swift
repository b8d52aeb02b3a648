package enum GlobalPool {
    /// output[N,C] = mean or max over the `spatial` positions of input[N,spatial,C].
    package static func run(_ kind: PoolKind, batch: Int, spatial: Int, channels: Int,
                           input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        guard channels > 0 else { return }
        for n in 0..<batch {
            let src = input + n * spatial * channels, dst = output + n * channels
            // Accumulate position by position so the channel loop stays contiguous.
            switch kind {
            case .max:
                dst.update(repeating: -.infinity, count: channels)
                for s in 0..<spatial {
                    let row = src + s * channels
                    for c in 0..<channels { dst[c] = max(dst[c], row[c]) }
                }
            case .average:
                dst.update(repeating: 0, count: channels)
                for s in 0..<spatial {
                    let row = src + s * channels
                    for c in 0..<channels { dst[c] += row[c] }
                }
                let scale = 1 / Float(max(spatial, 1))
                for c in 0..<channels { dst[c] *= scale }
            }
        }
    }
}
