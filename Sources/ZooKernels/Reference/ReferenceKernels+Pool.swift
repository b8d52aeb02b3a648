extension ReferenceKernels {
    /// Max or average pooling over input[N,H,W,C], visiting every tap of every window.
    /// Max skips taps outside the input. Average divides by the in-bounds taps, or with
    /// `countIncludePad` by the taps inside [-padBegin, in + padEnd) on both axes.
    package static func pool2d<T: BinaryFloatingPoint>(_ p: Pool2DParams, batch: Int, inH: Int, inW: Int,
                                                      channels: Int, input: [T]) -> [Double] {
        let (outH, outW) = p.outputSize(inH: inH, inW: inW)
        var out = [Double](repeating: 0, count: batch * outH * outW * channels)
        for n in 0..<batch {
            for oh in 0..<outH {
                for ow in 0..<outW {
                    for c in 0..<channels {
                        var peak = -Double.infinity, sum = 0.0, inside = 0, padded = 0
                        for kh in 0..<p.kernel.h {
                            let ih = oh * p.strides.h - p.padding.top + kh * p.dilations.h
                            for kw in 0..<p.kernel.w {
                                let iw = ow * p.strides.w - p.padding.left + kw * p.dilations.w
                                if ih >= -p.padding.top && ih < inH + p.padding.bottom
                                    && iw >= -p.padding.left && iw < inW + p.padding.right {
                                    padded += 1
                                }
                                if ih < 0 || ih >= inH || iw < 0 || iw >= inW { continue }
                                let x = Double(input[((n * inH + ih) * inW + iw) * channels + c])
                                peak = max(peak, x)
                                sum += x
                                inside += 1
                            }
                        }
                        let index = ((n * outH + oh) * outW + ow) * channels + c
                        switch p.kind {
                        case .max: out[index] = peak
                        case .average: out[index] = sum / Double(max(p.countIncludePad ? padded : inside, 1))
                        }
                    }
                }
            }
        }
        return out
    }

    /// output[N,C] = mean or max of input[N,spatial,C] over the spatial positions.
    package static func globalPool<T: BinaryFloatingPoint>(_ kind: PoolKind, batch: Int, spatial: Int, channels: Int,
                                                          input: [T]) -> [Double] {
        var out = [Double](repeating: 0, count: batch * channels)
        for n in 0..<batch {
            for c in 0..<channels {
                let values = (0..<spatial).map { Double(input[(n * spatial + $0) * channels + c]) }
                switch kind {
                case .max: out[n * channels + c] = values.max() ?? -.infinity
                case .average: out[n * channels + c] = values.reduce(0, +) / Double(max(spatial, 1))
                }
            }
        }
        return out
    }
}
