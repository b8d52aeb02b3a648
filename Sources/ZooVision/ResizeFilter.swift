/// Resampling filters, computed exactly as PIL's `Image.resize` computes them (Pillow's
/// `libImaging/Resample.c` and `Geometry.c`), which Keras' `load_img` and torchvision's
/// `Resize` on PIL images both call.
public enum ResizeFilter: String, Sendable, CaseIterable, Codable {
    /// PIL `NEAREST`: Keras `load_img`'s default. No antialiasing.
    case nearest
    /// PIL `BILINEAR`: a triangle filter widened by the scale factor on downscale (antialias),
    /// torchvision's default.
    case bilinear
    /// PIL `BICUBIC`: Keys' cubic with a = -0.5, widened the same way on downscale.
    case bicubic

    /// Half-width of the filter in source pixels at scale 1; nil for nearest.
    var support: Double? {
        switch self {
        case .nearest: nil
        case .bilinear: 1
        case .bicubic: 2
        }
    }

    /// The filter's weight at distance `x`, written as PIL writes it so the doubles round alike.
    func weight(_ x: Double) -> Double {
        let x = x < 0 ? -x : x
        switch self {
        case .nearest:
            return 0
        case .bilinear:
            return x < 1 ? 1 - x : 0
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
}
