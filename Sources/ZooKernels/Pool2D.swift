package enum Pool2D {
    /// output[N,OH,OW,C] from input[N,H,W,C]; OH/OW from `params.outputSize`.
    package static func run(_ params: Pool2DParams, batch: Int, inH: Int, inW: Int, channels: Int,
                           input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let (outH, outW) = params.outputSize(inH: inH, inW: inW)
        guard batch > 0, outH > 0, outW > 0, channels > 0 else { return }
        let x = SharedConstPointer(input), y = SharedPointer(output)
        let rowWork = outW * channels * params.kernel.h * params.kernel.w
        parallelFor(count: batch * outH, grain: max(1, (1 << 15) / max(rowWork, 1)), threads: threads) { _, rows in
            for row in rows {
                let n = row / outH, oh = row % outH
                let rowsIn = PoolWindow(out: oh, kernel: params.kernel.h, stride: params.strides.h,
                                        dilation: params.dilations.h, padBegin: params.padding.top,
                                        padEnd: params.padding.bottom, input: inH)
                let image = x.base + n * inH * inW * channels
                for ow in 0..<outW {
                    let colsIn = PoolWindow(out: ow, kernel: params.kernel.w, stride: params.strides.w,
                                            dilation: params.dilations.w, padBegin: params.padding.left,
                                            padEnd: params.padding.right, input: inW)
                    let dst = y.base + (row * outW + ow) * channels
                    switch params.kind {
                    case .max:
                        maxWindow(image, rowsIn, colsIn, inW: inW, channels: channels, dst)
                    case .average:
                        let divisor = params.countIncludePad
                            ? rowsIn.paddedCount * colsIn.paddedCount
                            : rowsIn.valid.count * colsIn.valid.count
                        averageWindow(image, rowsIn, colsIn, inW: inW, channels: channels,
                                      divisor: divisor, dst)
                    }
                }
            }
        }
    }

    private static func maxWindow(_ image: UnsafePointer<Float>, _ rows: PoolWindow, _ cols: PoolWindow,
                                  inW: Int, channels: Int, _ dst: UnsafeMutablePointer<Float>) {
        // Padding never wins a max, so an all-padding window stays -inf.
        dst.update(repeating: -.infinity, count: channels)
        for kh in rows.valid {
            let ih = rows.start + kh * rows.dilation
            for kw in cols.valid {
                let src = image + (ih * inW + cols.start + kw * cols.dilation) * channels
                for c in 0..<channels { dst[c] = max(dst[c], src[c]) }
            }
        }
    }

    private static func averageWindow(_ image: UnsafePointer<Float>, _ rows: PoolWindow, _ cols: PoolWindow,
                                      inW: Int, channels: Int, divisor: Int, _ dst: UnsafeMutablePointer<Float>) {
        dst.update(repeating: 0, count: channels)
        for kh in rows.valid {
            let ih = rows.start + kh * rows.dilation
            for kw in cols.valid {
                let src = image + (ih * inW + cols.start + kw * cols.dilation) * channels
                for c in 0..<channels { dst[c] += src[c] }
            }
        }
        // A window with nothing to count (only reachable with oversized padding) averages to 0.
        let scale = 1 / Float(max(divisor, 1))
        for c in 0..<channels { dst[c] *= scale }
    }
}

/// The taps of one pooling window along one axis.
struct PoolWindow {
    /// Input coordinate of tap 0 (may be negative, inside the leading padding).
    let start: Int
    let dilation: Int
    /// Taps that land inside the input.
    let valid: Range<Int>
    /// Taps inside the explicitly padded extent [-padBegin, input + padEnd): the divisor of
    /// count-include-pad averaging, which excludes the ceil-mode overhang.
    let paddedCount: Int

    init(out: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int, input: Int) {
        start = out * stride - padBegin
        self.dilation = dilation
        valid = Self.taps(start: start, kernel: kernel, dilation: dilation, in: 0..<input)
        paddedCount = Self.taps(start: start, kernel: kernel, dilation: dilation,
                                in: -padBegin..<(input + padEnd)).count
    }

    /// The contiguous run of taps k in 0..<kernel with start + k*dilation inside `range`.
    static func taps(start: Int, kernel: Int, dilation: Int, in range: Range<Int>) -> Range<Int> {
        // First k with start + k*d >= lower, last k with start + k*d < upper.
        let lo = max(0, ceilDiv(max(range.lowerBound - start, 0), dilation))
        let upperSpan = range.upperBound - 1 - start
        guard upperSpan >= 0 else { return 0..<0 }
        let hi = min(kernel, upperSpan / dilation + 1)
        return lo < hi ? lo..<hi : 0..<0
    }
}
