extension RGBImage {
    /// Sets the pixel at (x, y) when it lies inside the image.
    mutating func set(_ x: Int, _ y: Int, _ color: (r: UInt8, g: UInt8, b: UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
    }

    /// Blends `color` over the rectangle with opacity `alpha` (1 paints it solid).
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: (r: UInt8, g: UInt8, b: UInt8), alpha: Float = 1) {
        for row in max(y, 0)..<max(min(y + h, height), max(y, 0)) {
            for col in max(x, 0)..<max(min(x + w, width), max(x, 0)) {
                let i = (row * width + col) * 3
                for (k, c) in [color.r, color.g, color.b].enumerated() {
                    pixels[i + k] = UInt8((Float(pixels[i + k]) * (1 - alpha) + Float(c) * alpha).rounded())
                }
            }
        }
    }

    /// Draws `text` with the built-in 5x7 font, each font pixel `scale` x `scale`, top-left at (x, y).
    mutating func draw(_ text: String, x: Int, y: Int, scale: Int = 1, color: (r: UInt8, g: UInt8, b: UInt8) = (255, 255, 255)) {
        for (n, c) in text.enumerated() {
            let rows = BitmapFont.glyph(c)
            let left = x + n * BitmapFont.advance * scale
            for (r, bits) in rows.enumerated() {
                for col in 0..<BitmapFont.width where bits & (0x10 >> col) != 0 {
                    fill(x: left + col * scale, y: y + r * scale, width: scale, height: scale, color)
                }
            }
        }
    }

    /// Width in pixels of `text` drawn at `scale`.
    static func textWidth(_ text: String, scale: Int) -> Int { text.count * BitmapFont.advance * scale - scale }

    /// Copies `image` into this one with its top-left corner at (x, y).
    mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            for col in 0..<image.width { set(x + col, y + row, image[col, row]) }
        }
    }
}
