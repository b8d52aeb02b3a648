/// EXIF orientation (TIFF tag 0x0112): how the camera was held. Phones store the sensor's
/// pixels unrotated and say here how to turn them upright. Applying it is what a person
/// expects; Keras' `load_img` and torchvision's loaders ignore it.
public enum EXIFOrientation: Int, Sendable, CaseIterable {
    /// Upright as stored.
    case up = 1
    /// Mirrored left-right.
    case upMirrored = 2
    /// Upside down (turned 180 degrees).
    case down = 3
    /// Mirrored top-bottom.
    case downMirrored = 4
    /// Mirrored along the main diagonal (transposed).
    case leftMirrored = 5
    /// Turned 90 degrees clockwise to be upright.
    case right = 6
    /// Mirrored along the anti-diagonal (transversed).
    case rightMirrored = 7
    /// Turned 90 degrees anticlockwise to be upright.
    case left = 8

    /// The orientation tag in IFD0 of a TIFF stream (the body of a JPEG "Exif" APP1 segment
    /// or of a PNG eXIf chunk), or 1 when it is absent, out of range or the data is malformed.
    static func tag(inTIFF tiff: UnsafeRawBufferPointer) -> Int {
        guard tiff.count >= 8 else { return 1 }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return 1
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return 1 }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at), let type = u16(at + 2) else { return 1 }
            guard tag == 0x0112 else { continue }
            // SHORT is what the standard says; LONG is seen in the wild and PIL reads it too.
            let value: Int?
            switch type {
            case 3: value = u16(at + 8)
            case 4: value = u32(at + 8)
            default: value = nil
            }
            guard let value, (1...8).contains(value) else { return 1 }
            return value
        }
        return 1
    }

    /// `image` turned upright, as PIL's `ImageOps.exif_transpose` does it.
    public func applied(to image: RGBImage) -> RGBImage {
        let w = image.width, h = image.height
        // Output pixel (x, y) copies source pixel origin + x * stepX + y * stepY (in pixels).
        let (origin, stepX, stepY): (Int, Int, Int)
        switch self {
        case .up: return image
        case .upMirrored: (origin, stepX, stepY) = (w - 1, -1, w)
        case .down: (origin, stepX, stepY) = ((h - 1) * w + w - 1, -1, -w)
        case .downMirrored: (origin, stepX, stepY) = ((h - 1) * w, 1, -w)
        case .leftMirrored: (origin, stepX, stepY) = (0, w, 1)
        case .right: (origin, stepX, stepY) = ((h - 1) * w, -w, 1)
        case .rightMirrored: (origin, stepX, stepY) = ((h - 1) * w + w - 1, -w, -1)
        case .left: (origin, stepX, stepY) = (w - 1, w, -1)
        }
        let swapsAxes = rawValue >= 5
        let outW = swapsAxes ? h : w, outH = swapsAxes ? w : h
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        // Tiles keep the strided reads of a quarter turn inside the cache.
        let tile = 64
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y0 in stride(from: 0, to: outH, by: tile) {
                    for x0 in stride(from: 0, to: outW, by: tile) {
                        for y in y0..<min(y0 + tile, outH) {
                            var d = (y * outW + x0) * 3
                            var s = (origin + y * stepY + x0 * stepX) * 3
                            for _ in x0..<min(x0 + tile, outW) {
                                dst[d] = src[s]
                                dst[d + 1] = src[s + 1]
                                dst[d + 2] = src[s + 2]
                                d += 3
                                s += stepX * 3
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}
