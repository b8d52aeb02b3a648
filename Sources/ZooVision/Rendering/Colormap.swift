/// Matplotlib's `jet` colormap (blue, cyan, yellow, red), the one CAM pictures use: each
/// channel is a clipped tent, r = 1.5 - |4v - 3|, g = 1.5 - |4v - 2|, b = 1.5 - |4v - 1|.
public enum Colormap {
    /// The colour for `value` in 0...1 (clamped; NaN as 0).
    public static func jet(_ value: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        let v = min(max(value.isNaN ? 0 : value, 0), 1)
        func channel(_ center: Float) -> UInt8 { UInt8((min(max(1.5 - abs(4 * v - center), 0), 1) * 255).rounded()) }
        return (channel(3), channel(2), channel(1))
    }
}
