/// The headers of a Windows or OS/2 bitmap: the 14-byte file header, then a BITMAPCOREHEADER
/// (12 bytes) or a BITMAPINFOHEADER and its later versions (40, 52, 56, 64, 108, 124 bytes),
/// optional BI_BITFIELDS masks, the palette. Read the way Pillow's BmpImagePlugin reads them,
/// every offset checked against the data before it is used.
struct BMPHeader {
    /// How the pixels of a row are stored.
    enum Layout: Equatable {
        /// 1, 2, 4 or 8-bit indices into `palette`.
        case indexed
        /// 24-bit B, G, R bytes.
        case bgr
        /// 32-bit little-endian words whose red, green and blue bytes sit at these bit shifts.
        case words32(red: Int, green: Int, blue: Int)
        /// 16-bit little-endian words, 5-5-5 (`greenBits` 5) or 5-6-5 (`greenBits` 6).
        case words16(greenBits: Int)
        /// Run-length encoded palette indices: BI_RLE8, or BI_RLE4 (`nibbles`).
        case rle(nibbles: Bool)

        /// Pixels are indices into the palette.
        var usesPalette: Bool { self == .indexed || self == .rle(nibbles: true) || self == .rle(nibbles: false) }
    }

    static let bitfields = 3

    let width: Int
    let height: Int
    /// Rows are stored top row first (a negative height in the file).
    let topDown: Bool
    let bitsPerPixel: Int
    let layout: Layout
    /// RGB triples, at most 256 of them (only those an index can reach).
    let palette: [UInt8]
    /// The palette is black-to-white (Pillow reads it as "1" or "L" then: an index past its
    /// end is its own gray level).
    let paletteIsGray: Bool
    /// Where the first stored row starts, and the bytes per row (padded to 4).
    let pixelOffset: Int
    let rowStride: Int

    /// Reads the headers, throwing `corrupt(detail)`, `unsupported(detail)` or `truncated`.
    init(_ bytes: UnsafeRawBufferPointer, corrupt: (String) -> VisionError, unsupported: (String) -> VisionError,
         truncated: VisionError) throws {
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw truncated }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            try u16(at) | (try u16(at + 2)) << 16
        }
        let fileOffset = try u32(10)
        let headerSize = try u32(14)
        let info = 18 // the header's fields after its size
        var cursor = 14 + headerSize
        var compression = 0, colors = 0, paletteEntrySize = 4
        switch headerSize {
        case 12:
            width = try u16(info)
            height = try u16(info + 2)
            topDown = false
            bitsPerPixel = try u16(info + 6)
            paletteEntrySize = 3
        case 40, 52, 56, 64, 108, 124:
            width = Int(Int32(truncatingIfNeeded: try u32(info)))
            let rawHeight = Int32(truncatingIfNeeded: try u32(info + 4))
            topDown = rawHeight < 0
            height = Int(rawHeight.magnitude)
            bitsPerPixel = try u16(info + 10)
            compression = try u32(info + 12)
            colors = try u32(info + 28)
        default:
            throw unsupported("header size \(headerSize) (known: 12, 40, 52, 56, 64, 108, 124)")
        }
        guard width > 0, height > 0 else { throw corrupt("image size \(width)x\(height)") }

        switch (compression, bitsPerPixel) {
        case (0, 1), (0, 2), (0, 4), (0, 8): layout = .indexed
        case (0, 16): layout = .words16(greenBits: 5)
        case (0, 24): layout = .bgr
        case (0, 32): layout = .words32(red: 16, green: 8, blue: 0)
        case (Self.bitfields, 16), (Self.bitfields, 24), (Self.bitfields, 32):
            // Masks sit inside a header of 52 bytes or more, else in the 12 bytes after it.
            let masksAt = headerSize >= 52 ? info + 36 : cursor
            if headerSize < 52 { cursor += 12 }
            let masks = [try u32(masksAt), try u32(masksAt + 4), try u32(masksAt + 8)]
            guard let known = Self.bitfieldLayout(bits: bitsPerPixel, masks: masks) else {
                throw unsupported("\(bitsPerPixel)-bit BI_BITFIELDS masks \(masks.map { "0x" + String($0, radix: 16) })")
            }
            layout = known
        case (1, 8): layout = .rle(nibbles: false)
        case (2, 4): layout = .rle(nibbles: true)
        case (1, _), (2, _):
            throw unsupported("RLE compression of \(bitsPerPixel)-bit pixels")
        case (_, 1), (_, 2), (_, 4), (_, 8), (_, 16), (_, 24), (_, 32):
            throw unsupported("compression \(compression)")
        default:
            throw unsupported("\(bitsPerPixel) bits per pixel")
        }

        var palette: [UInt8] = [], gray = true
        if layout.usesPalette {
            if colors == 0 { colors = 1 << bitsPerPixel }
            guard colors <= 65536 else { throw corrupt("palette of \(colors) colours") }
            let used = min(colors, 256)
            palette.reserveCapacity(used * 3)
            for i in 0..<used {
                let at = cursor + i * paletteEntrySize
                guard at + 3 <= bytes.count else { throw truncated }
                let (b, g, r) = (bytes[at], bytes[at + 1], bytes[at + 2])
                palette += [r, g, b]
                // Pillow's test: a 2-colour palette is gray when black then white.
                let level = colors == 2 ? i * 255 : i
                if Int(r) != level || Int(g) != level || Int(b) != level { gray = false }
            }
        }
        self.palette = palette
        paletteIsGray = gray
        // Pillow skips a palette that the file offset forgets, and uses the position after the
        // headers when the offset is 0.
        let afterPalette = cursor + (layout.usesPalette ? paletteEntrySize * colors : 0)
        pixelOffset = fileOffset == 0 || (fileOffset == 14 + headerSize && layout.usesPalette) ? afterPalette : fileOffset
        let (bits, overflow) = width.multipliedReportingOverflow(by: bitsPerPixel)
        guard !overflow else { throw corrupt("row size overflows") }
        rowStride = ((bits + 31) >> 3) & ~3
    }

    /// The BI_BITFIELDS layouts Pillow reads (any other is refused by it too); alpha is ignored.
    private static func bitfieldLayout(bits: Int, masks: [Int]) -> Layout? {
        switch (bits, masks) {
        case (16, [0xF800, 0x07E0, 0x001F]): .words16(greenBits: 6)
        case (16, [0x7C00, 0x03E0, 0x001F]): .words16(greenBits: 5)
        case (24, [0xFF0000, 0xFF00, 0xFF]): .bgr
        case (32, [0, 0, 0]): .words32(red: 16, green: 8, blue: 0) // read as BGRA
        case (32, _):
            Self.shifts(of: masks).map { .words32(red: $0[0], green: $0[1], blue: $0[2]) }
        default: nil
        }
    }

    /// Bit shifts of three whole-byte masks in a 32-bit word, or nil.
    private static func shifts(of masks: [Int]) -> [Int]? {
        let shifts = masks.map { mask in [0, 8, 16, 24].first { mask == 0xFF << $0 } }
        guard shifts.allSatisfy({ $0 != nil }), Set(shifts).count == 3 else { return nil }
        return shifts.compactMap { $0 }
    }
}
