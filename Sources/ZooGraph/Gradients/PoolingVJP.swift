import ZooKernels

/// Vector-Jacobian products of max, average and global pooling over NHWC.
enum PoolingVJP {
    /// Max pooling sends each output's gradient to the first tap holding the window's maximum
    /// (PyTorch's and TensorFlow's choice on ties); average pooling spreads it evenly over the
    /// taps it divided by (`countIncludePad` counts padded taps, whose share falls outside).
    static func pool2d(_ p: Pool2DParams, batch: Int, inH: Int, inW: Int, channels: Int,
                       input x: [Float], outputGradient dy: [Float]) -> [Float] {
        let (outH, outW) = p.outputSize(inH: inH, inW: inW)
        precondition(x.count == batch * inH * inW * channels && dy.count == batch * outH * outW * channels, "pool VJP: sizes")
        var dx = [Float](repeating: 0, count: x.count)
        for n in 0..<batch {
            for oh in 0..<outH {
                for ow in 0..<outW {
                    for c in 0..<channels {
                        let grad = dy[((n * outH + oh) * outW + ow) * channels + c]
                        var taps: [Int] = []
                        var padded = 0
                        for kh in 0..<p.kernel.h {
                            let ih = oh * p.strides.h - p.padding.top + kh * p.dilations.h
                            for kw in 0..<p.kernel.w {
                                let iw = ow * p.strides.w - p.padding.left + kw * p.dilations.w
                                if ih >= -p.padding.top && ih < inH + p.padding.bottom
                                    && iw >= -p.padding.left && iw < inW + p.padding.right { padded += 1 }
                                if ih < 0 || ih >= inH || iw < 0 || iw >= inW { continue }
                                taps.append(((n * inH + ih) * inW + iw) * channels + c)
                            }
                        }
                        switch p.kind {
                        case .max:
                            guard var best = taps.first else { continue }
                            for t in taps.dropFirst() where x[t] > x[best] { best = t }
                            dx[best] += grad
                        case .average:
                            let share = grad / Float(max(p.countIncludePad ? padded : taps.count, 1))
                            for t in taps { dx[t] += share }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Global pooling over H and W: the mean's gradient is dy / (H*W) at every position; the
    /// maximum's goes to the first position holding it.
    static func globalPool(_ kind: PoolKind, batch: Int, spatial: Int, channels: Int,
                           input x: [Float], outputGradient dy: [Float]) -> [Float] {
        precondition(x.count == batch * spatial * channels && dy.count == batch * channels, "global pool VJP: sizes")
        var dx = [Float](repeating: 0, count: x.count)
        for n in 0..<batch {
            for c in 0..<channels {
                let grad = dy[n * channels + c]
                switch kind {
                case .average:
                    let share = grad / Float(max(spatial, 1))
                    for s in 0..<spatial { dx[(n * spatial + s) * channels + c] = share }
                case .max:
                    guard spatial > 0 else { continue }
                    var best = n * spatial * channels + c
                    for s in 1..<max(spatial, 1) {
                        let i = (n * spatial + s) * channels + c
                        if x[i] > x[best] { best = i }
                    }
                    dx[best] = grad
                }
            }
        }
        return dx
    }
}
