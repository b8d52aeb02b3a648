import ZooVision

/// Random changes to training images before the backbone sees them. With any augmentation,
/// the training embeddings are computed anew every epoch (slower: one backbone pass per image
/// per epoch); validation images are never augmented.
public struct Augmentation: Sendable, Hashable {
    /// Mirror left-right with probability 1/2.
    public var horizontalFlip: Bool
    /// Crop a random window whose sides are this fraction of the image's (one fraction for
    /// both sides, so the aspect ratio is kept); nil for no crop.
    public var cropFraction: ClosedRange<Double>?

    /// An augmentation with these changes; the default changes nothing.
    public init(horizontalFlip: Bool = false, cropFraction: ClosedRange<Double>? = nil) {
        self.horizontalFlip = horizontalFlip
        self.cropFraction = cropFraction
    }

    /// No augmentation: embeddings are computed once and cached.
    public static let none = Augmentation()
    /// Flips and crops of 80-100% of each side.
    public static let standard = Augmentation(horizontalFlip: true, cropFraction: 0.8...1)

    /// Whether this changes nothing (`none`).
    public var isNone: Bool { !horizontalFlip && cropFraction == nil }

    var summary: String {
        isNone ? "none" : [horizontalFlip ? "flip" : nil, cropFraction.map { "crop \($0.lowerBound)-\($0.upperBound)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    func validate() throws {
        if let c = cropFraction, !(c.lowerBound > 0 && c.upperBound <= 1) {
            throw FineTuningError.badArgument("crop fraction \(c): must lie in (0, 1]")
        }
    }

    /// The image, changed as drawn from `rng`.
    func applied(to image: RGBImage, rng: inout SplitMix64) -> RGBImage {
        var out = image
        if let range = cropFraction {
            let f = range.lowerBound + rng.unit() * (range.upperBound - range.lowerBound)
            let w = max(1, Int((Double(image.width) * f).rounded())), h = max(1, Int((Double(image.height) * f).rounded()))
            let x0 = rng.below(image.width - w + 1), y0 = rng.below(image.height - h + 1)
            var pixels = [UInt8](repeating: 0, count: w * h * 3)
            for y in 0..<h {
                let from = ((y0 + y) * image.width + x0) * 3
                pixels[(y * w * 3)..<((y + 1) * w * 3)] = image.pixels[from..<(from + w * 3)]
            }
            out = RGBImage(width: w, height: h, pixels: pixels)
        }
        if horizontalFlip && rng.next() & 1 == 1 {
            var pixels = out.pixels
            for y in 0..<out.height {
                for x in 0..<out.width {
                    let (a, b) = ((y * out.width + x) * 3, (y * out.width + out.width - 1 - x) * 3)
                    for c in 0..<3 { pixels[a + c] = out.pixels[b + c] }
                }
            }
            out = RGBImage(width: out.width, height: out.height, pixels: pixels)
        }
        return out
    }
}
