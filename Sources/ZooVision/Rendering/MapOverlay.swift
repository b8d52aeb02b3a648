/// Draws a class activation map over a photo: the map normalised to 0...1, upsampled
/// bilinearly to the photo, coloured with `jet` and blended at `alpha`; a colour bar on the
/// right and caption lines (the top classes) in the top-left corner.
public struct MapOverlay: Sendable {
    /// Weight of the map's colour against the photo's (0: photo only, 1: map only).
    public var alpha: Float = 0.5
    /// Font pixel size of the captions.
    public var textScale = 2

    /// An overlay blending at `alpha` with captions at `textScale`.
    public init(alpha: Float = 0.5, textScale: Int = 2) {
        self.alpha = alpha
        self.textScale = textScale
    }

    /// `values` is a `height` x `width` map, row-major; `photo` the picture it explains.
    public func render(values: [Float], height: Int, width: Int, over photo: RGBImage, captions: [String]) -> RGBImage {
        let normalized = Self.normalized(values)
        let up = Self.upsampled(normalized, height: height, width: width, toHeight: photo.height, toWidth: photo.width)
        let barWidth = 16, margin = 8, labelWidth = RGBImage.textWidth("0.5", scale: 1) + 4
        var canvas = RGBImage(width: photo.width + margin * 2 + barWidth + labelWidth, height: photo.height,
                              pixels: [UInt8](repeating: 255, count: (photo.width + margin * 2 + barWidth + labelWidth) * photo.height * 3))
        var blended = photo
        for y in 0..<photo.height {
            for x in 0..<photo.width {
                let heat = Colormap.jet(up[y * photo.width + x])
                let p = photo[x, y]
                func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Float(a) * (1 - alpha) + Float(b) * alpha).rounded()) }
                blended.set(x, y, (mix(p.r, heat.r), mix(p.g, heat.g), mix(p.b, heat.b)))
            }
        }
        canvas.paste(blended, x: 0, y: 0)

        // Colour bar: 1 at the top, 0 at the bottom, with three ticks.
        let barX = photo.width + margin, top = 6, bottom = photo.height - 6
        for y in top..<max(bottom, top + 1) {
            let v = Float(bottom - 1 - y) / Float(max(bottom - top - 1, 1))
            canvas.fill(x: barX, y: y, width: barWidth, height: 1, Colormap.jet(v))
        }
        for (text, y) in [("1", top), ("0.5", (top + bottom) / 2 - 3), ("0", bottom - 7)] {
            canvas.draw(text, x: barX + barWidth + 3, y: y, color: (0, 0, 0))
        }

        // Captions on a translucent dark box.
        let s = textScale, lineHeight = (BitmapFont.height + 3) * s
        if !captions.isEmpty {
            let boxWidth = min(photo.width, (captions.map { RGBImage.textWidth($0, scale: s) }.max() ?? 0) + 4 * s)
            canvas.fill(x: 0, y: 0, width: boxWidth, height: lineHeight * captions.count + 2 * s, (0, 0, 0), alpha: 0.6)
            for (i, line) in captions.enumerated() { canvas.draw(line, x: 2 * s, y: 2 * s + i * lineHeight, scale: s) }
        }
        return canvas
    }

    /// Min-max normalisation to 0...1; a constant map becomes zeros.
    static func normalized(_ values: [Float]) -> [Float] {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return [Float](repeating: 0, count: values.count) }
        return values.map { ($0 - lo) / (hi - lo) }
    }

    /// Bilinear upsampling with half-pixel centres and clamped edges (OpenCV's and PIL's
    /// convention, what pytorch-grad-cam's `cv2.resize` does).
    public static func upsampled(_ map: [Float], height: Int, width: Int, toHeight outH: Int, toWidth outW: Int) -> [Float] {
        var out = [Float](repeating: 0, count: outH * outW)
        guard height > 0, width > 0 else { return out }
        func taps(_ o: Int, _ n: Int, _ outN: Int) -> (Int, Int, Float) {
            let src = max((Float(o) + 0.5) * Float(n) / Float(outN) - 0.5, 0)
            let i0 = min(Int(src), n - 1), i1 = min(i0 + 1, n - 1)
            return (i0, i1, src - Float(i0))
        }
        for y in 0..<outH {
            let (y0, y1, fy) = taps(y, height, outH)
            for x in 0..<outW {
                let (x0, x1, fx) = taps(x, width, outW)
                let a = map[y0 * width + x0] * (1 - fx) + map[y0 * width + x1] * fx
                let b = map[y1 * width + x0] * (1 - fx) + map[y1 * width + x1] * fx
                out[y * outW + x] = a * (1 - fy) + b * fy
            }
        }
        return out
    }
}
