/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel three bytes R, G, B,
/// rows top to bottom with no padding (what PIL's `convert('RGB')` holds).
public struct RGBImage: Sendable, Hashable {
    /// Pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// `width * height * 3` bytes, row-major, channels interleaved.
    public var pixels: [UInt8]

    /// Wraps existing pixels; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        precondition(pixels.count == Self.byteCount(width: width, height: height),
                     "\(pixels.count) bytes for a \(width)x\(height) RGB image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height,
                  pixels: [UInt8](repeating: 0, count: Self.byteCount(width: width, height: height)))
    }

    /// Bytes needed for a `width` x `height` image; traps on overflow (a programmer error:
    /// sizes from files are checked against the pixel limit first).
    static func byteCount(width: Int, height: Int) -> Int {
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (bytes, o2) = pixels.multipliedReportingOverflow(by: 3)
        precondition(!o1 && !o2, "image size \(width)x\(height) overflows")
        return bytes
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
