/// BMP files to RGB, pixel for pixel as Pillow's `Image.open(f).convert("RGB")`. Debian ships
/// no maintained BMP library, so this small reader is our own: uncompressed 1, 2, 4 and 8-bit
/// palette, 16-bit (5-5-5 and 5-6-5), 24-bit and 32-bit pixels, BI_BITFIELDS with the masks
/// Pillow reads, BI_RLE8 and BI_RLE4, bottom-up and top-down rows, OS/2 and Windows headers.
enum BMPDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> RGBImage {
        let header = try BMPHeader(bytes,
                                   corrupt: { VisionError.corrupt(file: file, format: .bmp, detail: $0) },
                                   unsupported: { VisionError.unsupported(file: file, format: .bmp, detail: $0) },
                                   truncated: VisionError.truncated(file: file, format: .bmp))
        let (width, height) = (header.width, header.height)
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= maxPixels else {
            throw VisionError.tooManyPixels(file: file, width: width, height: height, limit: maxPixels)
        }
        if case let .rle(nibbles) = header.layout {
            return try expandRunLengths(bytes, header: header, nibbles: nibbles, file: file)
        }
        // Every row must be there before anything is allocated (pixelCount is bounded, so the
        // product cannot overflow).
        guard header.pixelOffset <= bytes.count, header.rowStride * height <= bytes.count - header.pixelOffset else {
            throw VisionError.truncated(file: file, format: .bmp)
        }
        var pixels = [UInt8](repeating: 0, count: pixelCount * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let stored = header.topDown ? y : height - 1 - y
                let row = UnsafeRawBufferPointer(rebasing: bytes[(header.pixelOffset + stored * header.rowStride)...])
                convert(row: row, header: header, into: UnsafeMutableBufferPointer(rebasing: out[(y * width * 3)...]))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func expandRunLengths(_ bytes: UnsafeRawBufferPointer, header: BMPHeader, nibbles: Bool,
                                         file: String) throws -> RGBImage {
        let (width, height) = (header.width, header.height)
        let indices: [UInt8]
        do {
            indices = try BMPRunLengths.expand(bytes, from: header.pixelOffset, width: width, height: height, nibbles: nibbles)
        } catch .truncated {
            throw VisionError.truncated(file: file, format: .bmp)
        } catch .tooFewPixels {
            throw VisionError.corrupt(file: file, format: .bmp, detail: "RLE data ends (end of bitmap) before the last pixel")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let stored = (header.topDown ? y : height - 1 - y) * width
            for x in 0..<width {
                let (r, g, b) = color(Int(indices[stored + x]), header)
                let at = (y * width + x) * 3
                pixels[at] = r
                pixels[at + 1] = g
                pixels[at + 2] = b
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func convert(row: UnsafeRawBufferPointer, header: BMPHeader, into out: UnsafeMutableBufferPointer<UInt8>) {
        for x in 0..<header.width {
            let (r, g, b): (UInt8, UInt8, UInt8)
            switch header.layout {
            case .indexed:
                let bits = header.bitsPerPixel
                let bit = x * bits
                let index = Int(row[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1)
                (r, g, b) = color(index, header)
            case .bgr:
                (r, g, b) = (row[3 * x + 2], row[3 * x + 1], row[3 * x])
            case let .words32(red, green, blue):
                let word = UInt32(row[4 * x]) | UInt32(row[4 * x + 1]) << 8 | UInt32(row[4 * x + 2]) << 16 | UInt32(row[4 * x + 3]) << 24
                (r, g, b) = (UInt8(truncatingIfNeeded: word >> red), UInt8(truncatingIfNeeded: word >> green),
                             UInt8(truncatingIfNeeded: word >> blue))
            case .rle:
                preconditionFailure("run-length data is expanded by BMPRunLengths")
            case let .words16(greenBits):
                let word = Int(row[2 * x]) | Int(row[2 * x + 1]) << 8
                let greenMax = (1 << greenBits) - 1
                // Pillow's "BGR;15" and "BGR;16" unpackers scale with v * 255 / max.
                (r, g, b) = (UInt8((word >> (5 + greenBits) & 31) * 255 / 31),
                             UInt8((word >> 5 & greenMax) * 255 / greenMax), UInt8((word & 31) * 255 / 31))
            }
            out[3 * x] = r
            out[3 * x + 1] = g
            out[3 * x + 2] = b
        }
    }

    /// Palette entry `index`; past the palette's end, Pillow's gray image gives the index itself
    /// and its palette image black.
    private static func color(_ index: Int, _ header: BMPHeader) -> (UInt8, UInt8, UInt8) {
        guard 3 * index + 2 < header.palette.count else {
            let level = header.paletteIsGray ? UInt8(truncatingIfNeeded: index) : 0
            return (level, level, level)
        }
        return (header.palette[3 * index], header.palette[3 * index + 1], header.palette[3 * index + 2])
    }
}
