/// Greyscale or colour tiles laid out in rows, like `torchvision.utils.make_grid`: feature
/// maps of one layer, or a convolution's kernels, enlarged with nearest-neighbour pixels.
public struct TileSheet: Sendable {
    /// Tiles per row.
    public var perRow = 8
    /// Each tile pixel becomes `scale` x `scale` picture pixels.
    public var scale = 1
    /// Background pixels between tiles.
    public var padding = 2

    /// A sheet with these settings.
    public init(perRow: Int = 8, scale: Int = 1, padding: Int = 2) {
        self.perRow = max(perRow, 1); self.scale = max(scale, 1); self.padding = max(padding, 0)
    }

    /// Lays out `tiles` (each `tileHeight` x `tileWidth` RGB triples in 0...1, row-major) on a
    /// dark background.
    public func render(tiles: [[(Float, Float, Float)]], tileHeight: Int, tileWidth: Int) -> RGBImage {
        let columns = min(perRow, max(tiles.count, 1)), rows = (tiles.count + perRow - 1) / perRow
        let cellW = tileWidth * scale + padding, cellH = tileHeight * scale + padding
        let width = columns * cellW + padding, height = max(rows, 1) * cellH + padding
        var sheet = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 40, count: width * height * 3))
        for (t, tile) in tiles.enumerated() {
            let left = padding + (t % perRow) * cellW, top = padding + (t / perRow) * cellH
            for y in 0..<tileHeight {
                for x in 0..<tileWidth {
                    let (r, g, b) = tile[y * tileWidth + x]
                    func byte(_ v: Float) -> UInt8 { UInt8((min(max(v.isNaN ? 0 : v, 0), 1) * 255).rounded()) }
                    sheet.fill(x: left + x * scale, y: top + y * scale, width: scale, height: scale, (byte(r), byte(g), byte(b)))
                }
            }
        }
        return sheet
    }

    /// Each channel of an `[H, W, C]` feature map (HWC order, as NHWC holds it) min-max
    /// normalised on its own and shown in grey; at most `limit` channels.
    public func featureMaps(_ values: [Float], height: Int, width: Int, channels: Int, limit: Int) -> RGBImage {
        let count = min(channels, max(limit, 0))
        let tiles = (0..<count).map { c -> [(Float, Float, Float)] in
            let plane = MapOverlay.normalized((0..<(height * width)).map { values[$0 * channels + c] })
            return plane.map { ($0, $0, $0) }
        }
        return render(tiles: tiles, tileHeight: height, tileWidth: width)
    }
}
