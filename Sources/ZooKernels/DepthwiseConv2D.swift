import CZooKernels

extension Conv2D {
    /// Direct NHWC depthwise convolution (groups == C, multiplier O/C >= 1): no im2col, the
    /// innermost loop runs over contiguous channels.
    static func runDepthwise(_ g: Conv2DGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                             output: UnsafeMutablePointer<Float>, threads: Int, path: KernelOptions.DepthwisePath) {
        let p = g.params, c = g.inC, o = g.outC, multiplier = g.outC / g.inC
        precondition(multiplier >= 1 && multiplier * c == o, "depthwise: \(c) -> \(o) channels")
        let epilogue = Epilogue(bias: bias, residual: residual, ldr: o, activation: p.activation)
        let x = SharedConstPointer(input), w = SharedConstPointer(weights), y = SharedPointer(output)
        let rowWork = g.outW * o * p.kernel.h * p.kernel.w
        let rowGrain = max(1, (1 << 15) / max(rowWork, 1))
        if multiplier == 1 && path == .avx512 {
            runDepthwiseRows(g, input: x, weights: w, epilogue: epilogue, output: y, grain: rowGrain, threads: threads)
            return
        }
        parallelFor(count: g.batch * g.outH, grain: rowGrain, threads: threads) { _, rows in
            for row in rows {
                let n = row / g.outH, oh = row % g.outH
                let ih0 = oh * p.strides.h - p.padding.top
                let khs = PoolWindow.taps(start: ih0, kernel: p.kernel.h, dilation: p.dilations.h, in: 0..<g.inH)
                let image = x.base + n * g.inH * g.inW * c
                for ow in 0..<g.outW {
                    let pixel = row * g.outW + ow
                    let dst = y.base + pixel * o
                    let iw0 = ow * p.strides.w - p.padding.left
                    let kws = PoolWindow.taps(start: iw0, kernel: p.kernel.w, dilation: p.dilations.w, in: 0..<g.inW)
                    let window = DepthwiseWindow(image: image, weights: w.base, ih0: ih0, iw0: iw0, khs: khs, kws: kws,
                                                 inW: g.inW, channels: c, outChannels: o, kernelW: p.kernel.w,
                                                 dilations: p.dilations)
                    if multiplier == 1 {
                        accumulate(window, into: dst)
                    } else {
                        accumulate(window, multiplier: multiplier, into: dst)
                    }
                    epilogue.apply(rows: 1, cols: o, row0: pixel, col0: 0, c: dst, ldc: o)
                }
            }
        }
    }

    /// Channel multiplier 1 through the AVX-512 kernel, one output row per call.
    private static func runDepthwiseRows(_ g: Conv2DGeometry, input: SharedConstPointer<Float>,
                                         weights: SharedConstPointer<Float>, epilogue: Epilogue,
                                         output: SharedPointer<Float>, grain: Int, threads: Int) {
        let p = g.params
        let shape = zoo_depthwise_shape(
            in_h: g.inH, in_w: g.inW, channels: g.inC, out_w: g.outW, kernel_h: p.kernel.h, kernel_w: p.kernel.w,
            stride_h: p.strides.h, stride_w: p.strides.w, dilation_h: p.dilations.h, dilation_w: p.dilations.w,
            pad_top: p.padding.top, pad_left: p.padding.left)
        let bounds = epilogue.activation.clampBounds
        let rowFloats = g.outW * g.outC
        parallelFor(count: g.batch * g.outH, grain: grain, threads: threads) { _, rows in
            for row in rows {
                let dst = output.base + row * rowFloats
                var e = epilogue.fusable(row0: row * g.outW, col0: 0)
                var shape = shape
                zoo_depthwise_row(&shape, row % g.outH, input.base + (row / g.outH) * g.inH * g.inW * g.inC,
                                  weights.base, dst, &e)
                if bounds == nil { applyActivation(epilogue.activation, dst, count: rowFloats) }
            }
        }
    }

    /// dst[ch] = sum over taps of input[ch] * weights[ch], 16 then 4 channels at a time with
    /// the sums held in registers across all taps.
    private static func accumulate(_ window: DepthwiseWindow, into dst: UnsafeMutablePointer<Float>) {
        let c = window.channels
        var ch = 0
        while ch + 16 <= c {
            store(window.sum(SIMD16<Float>.self, channel: ch), dst + ch)
            ch += 16
        }
        while ch + 4 <= c {
            store(window.sum(SIMD4<Float>.self, channel: ch), dst + ch)
            ch += 4
        }
        while ch < c {
            dst[ch] = window.sum(channel: ch)
            ch += 1
        }
    }

    /// Channel multiplier > 1: output channel ch*multiplier + m reads input channel ch.
    private static func accumulate(_ window: DepthwiseWindow, multiplier: Int, into dst: UnsafeMutablePointer<Float>) {
        dst.update(repeating: 0, count: window.channels * multiplier)
        for kh in window.khs {
            for kw in window.kws {
                let src = window.input(kh, kw), tap = window.weightRow(kh, kw)
                for ch in 0..<window.channels {
                    let v = src[ch], base = ch * multiplier
                    for m in 0..<multiplier { dst[base + m] += v * tap[base + m] }
                }
            }
        }
    }

    @inline(__always)
    private static func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
}

/// The in-image taps of one depthwise output pixel.
private struct DepthwiseWindow {
    let image: UnsafePointer<Float>  // [H, W, C] of this batch item
    let weights: UnsafePointer<Float>  // [KH, KW, 1, O]
    let ih0, iw0: Int
    let khs, kws: Range<Int>
    let inW, channels, outChannels, kernelW: Int
    let dilations: Size2D

    @inline(__always) func input(_ kh: Int, _ kw: Int) -> UnsafePointer<Float> {
        // Wrapping arithmetic: the geometry was checked, and overflow traps in the hot loop cost.
        image + ((ih0 &+ kh &* dilations.h) &* inW &+ iw0 &+ kw &* dilations.w) &* channels
    }

    @inline(__always) func weightRow(_ kh: Int, _ kw: Int) -> UnsafePointer<Float> {
        weights + (kh &* kernelW &+ kw) &* outChannels
    }

    /// Sum over taps of input * weight for the V.scalarCount channels starting at `channel`.
    @inline(__always)
    func sum<V: SIMD>(_: V.Type, channel: Int) -> V where V.Scalar == Float {
        var acc = V()
        for kh in khs {
            for kw in kws {
                let x = UnsafeRawPointer(input(kh, kw) + channel).loadUnaligned(as: V.self)
                let w = UnsafeRawPointer(weightRow(kh, kw) + channel).loadUnaligned(as: V.self)
                acc += x * w
            }
        }
        return acc
    }

    func sum(channel: Int) -> Float {
        var acc: Float = 0
        for kh in khs {
            for kw in kws { acc += input(kh, kw)[channel] * weightRow(kh, kw)[channel] }
        }
        return acc
    }
}
