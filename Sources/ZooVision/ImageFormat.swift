/// The encoded image formats the decoder reads, recognised by their first bytes (never by the
/// file name: a PNG or a WebP named `.jpg` is read as what it is).
public enum ImageFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// JPEG (libjpeg-turbo).
    case jpeg = "JPEG"
    /// PNG (libpng).
    case png = "PNG"
    /// WebP (libwebp), first frame.
    case webp = "WebP"
    /// TIFF (libtiff), first page.
    case tiff = "TIFF"
    /// GIF (giflib), first frame.
    case gif = "GIF"
    /// BMP (read in Swift).
    case bmp = "BMP"

    /// The format whose signature starts `bytes`, or nil.
    public init?(sniffing bytes: UnsafeRawBufferPointer) {
        func starts(with signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && zip(bytes[offset...], signature).allSatisfy { $0 == $1 }
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts(with: Array("RIFF".utf8)), starts(with: Array("WEBP".utf8), at: 8) {
            self = .webp
        } else if starts(with: Array("II*\0".utf8)) || starts(with: Array("MM\0*".utf8))
                    || starts(with: Array("II+\0".utf8)) || starts(with: Array("MM\0+".utf8)) {
            self = .tiff // classic and BigTIFF, either byte order
        } else if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) {
            self = .gif
        } else if starts(with: Array("BM".utf8)) {
            self = .bmp
        } else {
            return nil
        }
    }

    /// File name extensions (lower case) under which these formats are usually found: what a
    /// folder scan picks up. The decoder itself goes by content.
    public static let fileExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "bmp"]

    /// "JPEG, PNG, WebP, TIFF, GIF or BMP", for messages.
    public static var supportedList: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// The format's usual name (`JPEG`, `PNG`, ...).
    public var description: String { rawValue }
}
