/// PIL's two-pass convolution resampling for 8-bit images (Pillow `libImaging/Resample.c`):
/// per output column (then row) a window of source pixels and its weights, the weights
/// normalised to sum 1, turned into 22-bit fixed point, and each pass rounded and clipped
/// to 8 bits. Reproducing the same double arithmetic gives the same bytes as PIL.
struct Resample {
    /// Fixed-point fraction bits: 32 - 8 - 2, leaving room for negative lobes and overshoot.
    static let precisionBits = 22

    /// The source window and fixed-point weights of one output pixel along one axis.
    struct Tap {
        var start: Int
        var weights: [Int32]
    }

    /// PIL's `precompute_coeffs` + `normalize_coeffs_8bpc` for resizing `inSize` pixels to
    /// `outSize` over the whole source (box 0...inSize).
    /// Only the output pixels in `outputs` are computed (all by default): each output pixel's
    /// window and weights depend on its own index only, so a slice is exact.
    static func taps(inSize: Int, outSize: Int, filter: ResizeFilter, outputs: Range<Int>? = nil) -> [Tap] {
        let support0 = filter.support!
        // PIL passes the box as floats: in1 - in0 is Float(inSize), then widened to double.
        let scale = Double(Float(inSize)) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = support0 * filterScale
        let ss = 1 / filterScale
        var taps: [Tap] = []
        let outputs = outputs ?? 0..<outSize
        taps.reserveCapacity(outputs.count)
        for xx in outputs {
            let center = (Double(xx) + 0.5) * scale
            // C's (int) cast truncates toward zero, like Int(_:) here.
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var k = [Double](repeating: 0, count: max(xmax, 0))
            var ww = 0.0
            for x in 0..<max(xmax, 0) {
                let w = filter.weight((Double(x + xmin) - center + 0.5) * ss)
                k[x] = w
                ww += w
            }
            if ww != 0 {
                for x in k.indices { k[x] /= ww }
            }
            let one = Double(1 << precisionBits)
            let fixed = k.map { Int32($0 < 0 ? -0.5 + $0 * one : 0.5 + $0 * one) }
            taps.append(Tap(start: xmin, weights: fixed))
        }
        return taps
    }

    /// Rounds a fixed-point sum back to a byte, clipping as PIL's lookup table does.
    @inline(__always)
    static func clip8(_ sum: Int) -> UInt8 {
        let v = sum >> precisionBits
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
    }

    /// PIL's `ImagingResampleInner`: horizontal pass over just the rows the vertical pass
    /// reads, then the vertical pass. With `columns` / `rows`, only that window of the
    /// `width` x `height` result is computed, byte for byte what cropping the whole result
    /// would give: a 20000x1 PNG resized to 5120000x256 for a 224x224 crop no longer fills
    /// 3.9 GB first (issue 15).
    static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResizeFilter,
                       columns: Range<Int>? = nil, rows: Range<Int>? = nil) -> RGBImage {
        let columns = columns ?? 0..<width, rows = rows ?? 0..<height
        let resizesRows = height != image.height
        let vertical = resizesRows ? taps(inSize: image.height, outSize: height, filter: filter, outputs: rows) : []
        let sourceRows = resizesRows
            ? (vertical.first.map(\.start) ?? 0)..<(vertical.last.map { $0.start + $0.weights.count } ?? 0) : rows
        let source = width != image.width
            ? horizontal(image, rows: sourceRows, taps: taps(inSize: image.width, outSize: width, filter: filter, outputs: columns))
            : image.cropped(x: columns.lowerBound, y: sourceRows.lowerBound, width: columns.count, height: sourceRows.count)
        return resizesRows ? verticalPass(source, rowOffset: sourceRows.lowerBound, taps: vertical) : source
    }

    private static func horizontal(_ image: RGBImage, rows: Range<Int>, taps: [Tap]) -> RGBImage {
        let outW = taps.count, inW = image.width
        var out = [UInt8](repeating: 0, count: outW * rows.count * 3)
        let half = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (oy, y) in rows.enumerated() {
                    let row = y * inW * 3
                    for (xx, tap) in taps.enumerated() {
                        var s0 = half, s1 = half, s2 = half
                        var p = row + tap.start * 3
                        for k in tap.weights {
                            let kk = Int(k)
                            s0 += Int(src[p]) * kk
                            s1 += Int(src[p + 1]) * kk
                            s2 += Int(src[p + 2]) * kk
                            p += 3
                        }
                        let d = (oy * outW + xx) * 3
                        dst[d] = clip8(s0)
                        dst[d + 1] = clip8(s1)
                        dst[d + 2] = clip8(s2)
                    }
                }
            }
        }
        return RGBImage(width: outW, height: rows.count, pixels: out)
    }

    private static func verticalPass(_ image: RGBImage, rowOffset: Int, taps: [Tap]) -> RGBImage {
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: rowBytes * taps.count)
        let half = 1 << (precisionBits - 1)
        // Row-at-a-time accumulation keeps the source reads sequential.
        var sums = [Int](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { acc in
                    for (yy, tap) in taps.enumerated() {
                        for i in 0..<rowBytes { acc[i] = half }
                        for (j, k) in tap.weights.enumerated() {
                            let row = (tap.start - rowOffset + j) * rowBytes
                            let kk = Int(k)
                            for i in 0..<rowBytes { acc[i] += Int(src[row + i]) * kk }
                        }
                        let base = yy * rowBytes
                        for i in 0..<rowBytes { dst[base + i] = clip8(acc[i]) }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: taps.count, pixels: out)
    }
}
