/// BI_RLE8 and BI_RLE4 data expanded to one palette index per pixel, in stored row order, the
/// way Pillow's `BmpRleDecoder` does it (including its quirks: a run never wraps to the next
/// row, skipped pixels are index 0, and data that stops early is an error, not a short image).
enum BMPRunLengths {
    enum Failure: Error {
        /// The file ends inside the pixel data.
        case truncated
        /// The runs stop (end of bitmap) before every pixel has a value.
        case tooFewPixels
    }

    /// `bytes[offset...]` expanded to `width * height` indices.
    static func expand(_ bytes: UnsafeRawBufferPointer, from offset: Int, width: Int, height: Int,
                       nibbles: Bool) throws(Failure) -> [UInt8] {
        let total = width * height
        var out = [UInt8]()
        out.reserveCapacity(total)
        var at = offset, x = 0
        func next() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }
        while out.count < total {
            guard let count = next(), let value = next() else { throw .truncated }
            if count > 0 {
                // Encoded run: clipped at the row's end, nibbles alternating for RLE4.
                let n = min(Int(count), max(0, width - x))
                for i in 0..<n {
                    out.append(nibbles ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value)
                }
                x += n
                continue
            }
            switch value {
            case 0: // end of line: pad the row with index 0
                let padded = (out.count + width - 1) / width * width
                out.append(contentsOf: repeatElement(0, count: padded - out.count))
                x = 0
            case 1: // end of bitmap
                throw .tooFewPixels
            case 2: // delta: skip right and up
                guard let right = next(), let up = next() else { throw .truncated }
                out.append(contentsOf: repeatElement(0, count: min(total - out.count, Int(right) + Int(up) * width)))
                x = out.count % width
            default: // absolute run of `value` pixels, padded to a 16-bit boundary in the file
                let wanted = min(total - out.count, Int(value))
                let byteCount = nibbles ? (wanted + 1) / 2 : wanted
                guard at + byteCount <= bytes.count else { throw .truncated }
                for i in 0..<byteCount {
                    let byte = bytes[at + i]
                    if nibbles {
                        out.append(byte >> 4)
                        if 2 * i + 1 < wanted { out.append(byte & 0x0F) }
                    } else {
                        out.append(byte)
                    }
                }
                at += byteCount
                x += Int(value)
                if at % 2 != 0 { at += 1 }
            }
        }
        // Absolute runs may move past a row's end, so a last run can overshoot; Pillow keeps
        // the first width * height values.
        return Array(out.prefix(total))
    }
}
