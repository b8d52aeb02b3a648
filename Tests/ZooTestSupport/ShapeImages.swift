import Foundation
import ZooGraph
import ZooKernels
import ZooTensor

/// A generated image-classification task for the fine-tuning tests: coloured shapes on noisy
/// backgrounds, and a small fixed backbone whose features can tell them apart.
public enum ShapeImages {
    /// Two shapes in two colours, so neither the colour alone nor the shape alone names the class.
    public static let classes = ["blue_circle", "blue_square", "red_circle", "red_square"]

    /// RGB bytes (row-major, `size * size * 3`) of one image of class `label`: a grey-ish
    /// background with per-pixel noise, and the shape at a random place and size, its colour
    /// jittered pixel by pixel.
    public static func pixels(label: Int, size: Int = 32, rng: inout SeededRandom) -> [UInt8] {
        let isRed = label >= 2, isSquare = label % 2 == 1
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        let base = Int.random(in: 90...150, using: &rng)
        for i in 0..<(size * size) {
            for c in 0..<3 { pixels[i * 3 + c] = UInt8(clamping: base + Int.random(in: -30...30, using: &rng)) }
        }
        let radius = Double.random(in: 0.22...0.32, using: &rng) * Double(size)
        let cx = Double.random(in: radius...(Double(size) - radius), using: &rng)
        let cy = Double.random(in: radius...(Double(size) - radius), using: &rng)
        let strong = Int.random(in: 200...250, using: &rng), weak = Int.random(in: 0...40, using: &rng)
        let colour = isRed ? [strong, weak, weak] : [weak, weak, strong]
        for y in 0..<size {
            for x in 0..<size {
                let (dx, dy) = (Double(x) + 0.5 - cx, Double(y) + 0.5 - cy)
                // 0.89: a square of about the circle's area.
                let inside = isSquare ? max(abs(dx), abs(dy)) <= radius * 0.89 : dx * dx + dy * dy <= radius * radius
                guard inside else { continue }
                for c in 0..<3 { pixels[(y * size + x) * 3 + c] = UInt8(clamping: colour[c] + Int.random(in: -20...20, using: &rng)) }
            }
        }
        return pixels
    }

    /// A fixed backbone for 32x32 NHWC images whose output `features` sees colour and shape.
    /// Per colour channel, a 5x5 derivative of a Gaussian in 4 orientations and both signs,
    /// at dilation 1 and 2, through ReLU; then the global average and maximum of each of those
    /// 2 x 24 maps, beside the image's mean colour: 99 values. A square's straight sides give
    /// its axis-aligned maps a higher maximum than its diagonal ones, while a circle's edge
    /// answers every orientation alike. (`tiny-cnn`'s 16 random channels, globally averaged,
    /// tell the colours apart but not the shapes: 46% on this task, shape a coin toss.)
    public static func edgeFeatureGraph() throws -> Graph {
        let angles = [0.0, 45, 90, 135].map { $0 * Double.pi / 180 }
        let channels = 3 * angles.count * 2
        var kernel = [Float](repeating: 0, count: 5 * 5 * 3 * channels)
        for c in 0..<3 {
            for (k, angle) in angles.enumerated() {
                for sign in 0..<2 {
                    let o = (c * angles.count + k) * 2 + sign
                    for y in 0..<5 {
                        for x in 0..<5 {
                            let (dx, dy) = (Double(x - 2), Double(y - 2))
                            let w = -(dx * cos(angle) + dy * sin(angle)) * exp(-(dx * dx + dy * dy) / (2 * 1.2 * 1.2)) / 4
                            kernel[((y * 5 + x) * 3 + c) * channels + o] = Float(sign == 0 ? w : -w)
                        }
                    }
                }
            }
        }
        var b = GraphBuilder(name: "edge-features")
        let x = try b.input("input", shape: [1, 32, 32, 3])
        var pooled: [ValueID] = []
        for dilation in [1, 2] {
            let name = "edges\(dilation)"
            var h = try b.conv2d(x, weights: Tensor(shape: [5, 5, 3, channels], floats: kernel), bias: nil,
                                 params: Conv2DParams(kernel: Size2D(5, 5), dilations: Size2D(dilation, dilation)), name: name)
            h = try b.add(.activation(.relu), inputs: [h], name: name + "_relu")
            pooled.append(try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: name + "_mean"))
            pooled.append(try b.add(.globalPool(.max, keepDims: false), inputs: [h], name: name + "_max"))
        }
        let colour = try b.add(.globalPool(.average, keepDims: false), inputs: [x], name: "colour")
        b.output(try b.add(.concat(axis: 1), inputs: pooled + [colour], name: "features"))
        return b.build()
    }
}

/// A minimal PNG encoder for test images (the project decodes PNGs but has no encoder):
/// 8-bit RGB, filter 0 on every row, zlib "stored" (uncompressed) blocks.
public enum PNGEncoder {
    public static func rgb(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(pixels.count == width * height * 3, "\(pixels.count) bytes for \(width)x\(height) RGB")
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(y * width * 3)..<((y + 1) * width * 3)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, raw.count - offset)
            zlib += [offset + n == raw.count ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        zlib += bigEndian(adler32(raw))
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return Data(png)
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for x in bytes {
            crc ^= UInt32(x)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
