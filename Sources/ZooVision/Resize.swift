extension RGBImage {
    /// This image resized to exactly `width` x `height`, pixel for pixel as PIL's
    /// `Image.resize((width, height), filter)` on an RGB image.
    public func resized(width: Int, height: Int, filter: ResizeFilter) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)x\(height): sizes must be positive")
        _ = Self.byteCount(width: width, height: height)
        if width == self.width && height == self.height { return self }
        precondition(self.width > 0 && self.height > 0, "cannot resize an empty image")
        switch filter {
        case .nearest: return nearest(width: width, height: height)
        case .bilinear, .bicubic: return Resample.resize(self, width: width, height: height, filter: filter)
        }
    }

    /// This image scaled so its shorter side is `size`, the longer side
    /// `int(size * long / short)`, as torchvision's `Resize(size)` computes it.
    /// Unchanged when the shorter side is already `size`.
    public func resized(shorterSide size: Int, filter: ResizeFilter) -> RGBImage {
        let (w, h) = Self.shorterSideSize(width: width, height: height, to: size)
        return resized(width: w, height: h, filter: filter)
    }

    /// torchvision's `_compute_resized_output_size` for an int size: (width, height).
    static func shorterSideSize(width: Int, height: Int, to size: Int) -> (width: Int, height: Int) {
        precondition(size > 0 && width > 0 && height > 0, "shorter-side resize of \(width)x\(height) to \(size)")
        let (short, long) = width <= height ? (width, height) : (height, width)
        // Python's int(size * long / short): a true division in double, truncated.
        let newLong = Int(Double(size * long) / Double(short))
        return width <= height ? (size, newLong) : (newLong, size)
    }

    /// The `columns` x `rows` window of `resized(width:height:filter:)`, computed alone.
    func resizedWindow(width: Int, height: Int, columns: Range<Int>, rows: Range<Int>, filter: ResizeFilter) -> RGBImage {
        switch filter {
        case .nearest: nearest(width: width, height: height, columns: columns, rows: rows)
        case .bilinear, .bicubic: Resample.resize(self, width: width, height: height, filter: filter, columns: columns, rows: rows)
        }
    }

    /// PIL's nearest resize (`ImagingScaleAffine`): source position (x + 0.5) * in / out,
    /// accumulated in double step by step as PIL does, then truncated. Only the `columns` x
    /// `rows` window of the result is made (all of it by default).
    private func nearest(width fullW: Int, height fullH: Int, columns: Range<Int>? = nil, rows: Range<Int>? = nil) -> RGBImage {
        let columns = columns ?? 0..<fullW, rows = rows ?? 0..<fullH
        let (outW, outH) = (columns.count, rows.count)
        func table(inSize: Int, outSize: Int) -> [Int] {
            let step = Double(Float(inSize)) / Double(outSize)
            var position = step * 0.5
            var result = [Int](repeating: -1, count: outSize)
            for i in 0..<outSize {
                let v = position < 0 ? -1 : Int(position)
                if v >= 0 && v < inSize { result[i] = v }
                position += step
            }
            return result
        }
        // The accumulated position is a running sum, so the tables are walked from 0 (cheap:
        // one Int per output pixel along one axis) and then sliced.
        let xs = Array(table(inSize: width, outSize: fullW)[columns])
        let ys = Array(table(inSize: height, outSize: fullH)[rows])
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (y, sy) in ys.enumerated() where sy >= 0 {
                    let row = sy * width * 3
                    for (x, sx) in xs.enumerated() where sx >= 0 {
                        let s = row + sx * 3, d = (y * outW + x) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}
