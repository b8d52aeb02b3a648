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

    /// PIL's nearest resize (`ImagingScaleAffine`): source position (x + 0.5) * in / out,
    /// accumulated in double step by step as PIL does, then truncated.
    private func nearest(width outW: Int, height outH: Int) -> RGBImage {
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
        let xs = table(inSize: width, outSize: outW)
        let ys = table(inSize: height, outSize: outH)
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
