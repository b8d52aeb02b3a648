import CImageCodecs
import ZooTensor

/// One of the C decoder shims (Sources/CImageCodecs), driven the same way for every format:
/// read the header, check the pixel count, allocate, decode, close. All libjpeg/libpng error
/// handling (setjmp/longjmp, libtiff's handlers, giflib's codes) stays inside the C code; here
/// only status codes arrive, a missing library among them (the shims open the libraries).
struct NativeDecoder: Sendable {
    typealias Open = @Sendable (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<zoo_image_header>?,
                                UnsafeMutablePointer<zoo_codec_error>?) -> OpaquePointer?
    typealias Read = @Sendable (OpaquePointer?, UnsafeMutablePointer<UInt8>?, Int,
                                UnsafeMutablePointer<zoo_codec_error>?) -> Int32
    typealias Close = @Sendable (OpaquePointer?) -> Void

    let format: ImageFormat
    let open: Open
    let read: Read
    let close: Close

    static let jpeg = NativeDecoder(format: .jpeg, open: { zoo_jpeg_open($0, $1, $2, $3) },
                                    read: { zoo_jpeg_read_rgb($0, $1, $2, $3) }, close: { zoo_jpeg_close($0) })
    static let png = NativeDecoder(format: .png, open: { zoo_png_open($0, $1, $2, $3) },
                                   read: { zoo_png_read_rgb($0, $1, $2, $3) }, close: { zoo_png_close($0) })
    static let webp = NativeDecoder(format: .webp, open: { zoo_webp_open($0, $1, $2, $3) },
                                    read: { zoo_webp_read_rgb($0, $1, $2, $3) }, close: { zoo_webp_close($0) })
    static let tiff = NativeDecoder(format: .tiff, open: { zoo_tiff_open($0, $1, $2, $3) },
                                    read: { zoo_tiff_read_rgb($0, $1, $2, $3) }, close: { zoo_tiff_close($0) })
    static let gif = NativeDecoder(format: .gif, open: { zoo_gif_open($0, $1, $2, $3) },
                                   read: { zoo_gif_read_rgb($0, $1, $2, $3) }, close: { zoo_gif_close($0) })

    /// Decodes `bytes` to RGB and returns the EXIF orientation tag found in the file (1 when
    /// there is none). Refuses images over `maxPixels` before allocating their pixels.
    func decode(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> (RGBImage, orientation: Int) {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var header = zoo_image_header()
        var error = zoo_codec_error()
        guard let handle = open(base, bytes.count, &header, &error) else {
            throw visionError(error, file: file)
        }
        defer { close(handle) }

        let width = Int(header.width), height = Int(header.height)
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= maxPixels else {
            throw VisionError.tooManyPixels(file: file, width: width, height: height, limit: maxPixels)
        }
        // The decoded pixels count against the process's memory budget too (issue 15).
        let budget = MemoryBudget.current
        guard pixelCount * 3 <= budget.bytes else {
            throw VisionError.outOfMemory(file: file, detail: "decoding \(width)x\(height) needs \(MemoryBudget.describe(pixelCount * 3)) "
                                          + "(limit \(MemoryBudget.describe(budget.bytes)); see --max-memory)")
        }
        // Read before decoding: the EXIF bytes live inside the decoder until it is closed.
        var orientation = header.orientation > 0 ? Int(header.orientation) : 1
        if let exif = header.exif, header.exif_size > 0 {
            orientation = EXIFOrientation.tag(inTIFF: UnsafeRawBufferPointer(start: exif, count: header.exif_size))
        }
        var pixels = [UInt8](repeating: 0, count: pixelCount * 3)
        let status = pixels.withUnsafeMutableBufferPointer { buffer in
            read(handle, buffer.baseAddress, buffer.count, &error)
        }
        guard status == Int32(ZOO_CODEC_OK.rawValue) else { throw visionError(error, file: file) }
        return (RGBImage(width: width, height: height, pixels: pixels), orientation)
    }

    private func visionError(_ error: zoo_codec_error, file: String) -> VisionError {
        var copy = error
        let message = withUnsafeBytes(of: &copy.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch UInt32(bitPattern: error.status) {
        case ZOO_CODEC_TRUNCATED.rawValue: return .truncated(file: file, format: format)
        case ZOO_CODEC_UNSUPPORTED.rawValue: return .unsupported(file: file, format: format, detail: message)
        case ZOO_CODEC_RESOURCE.rawValue: return .outOfMemory(file: file, detail: message)
        case ZOO_CODEC_NO_LIBRARY.rawValue: return .libraryUnavailable(file: file, format: format, reason: message)
        default: return .corrupt(file: file, format: format, detail: message)
        }
    }
}
