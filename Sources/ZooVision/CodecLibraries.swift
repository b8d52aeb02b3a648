import CImageCodecs

/// The image codec libraries, opened the first time a file of their format is read rather than
/// linked (see CImageCodecs.h). Each version opens its library and throws the reason when it
/// cannot.
public enum CodecLibraries {
    /// libjpeg's API version (62 for libjpeg-turbo's default ABI), as zoo's headers say it: libjpeg
    /// has no version call and refuses, when opened, a library of another.
    public static var jpegVersion: Int {
        get throws(CodecLibraryError) { try open(zoo_libjpeg_open); return Int(zoo_jpeg_lib_version()) }
    }
    /// libpng's run-time version, e.g. 10639 for 1.6.39.
    public static var pngVersion: Int {
        get throws(CodecLibraryError) { try open(zoo_libpng_open); return Int(zoo_png_lib_version()) }
    }
    /// libwebp's decoder version as 0xMMmmpp, e.g. 0x010204 for 1.2.4.
    public static var webpVersion: Int {
        get throws(CodecLibraryError) { try open(zoo_libwebp_open); return Int(zoo_webp_lib_version()) }
    }
    /// libtiff's version text ("LIBTIFF, Version 4.5.0...").
    public static var tiffVersion: String {
        get throws(CodecLibraryError) { try open(zoo_libtiff_open); return String(cString: zoo_tiff_lib_version()) }
    }
    /// giflib's version as major * 10000 + minor * 100 + release, e.g. 50201, as zoo's headers say
    /// it (giflib has no version call; its soname pins the ABI).
    public static var gifVersion: Int {
        get throws(CodecLibraryError) { try open(zoo_libgif_open); return Int(zoo_gif_lib_version()) }
    }

    private static func open(_ function: (UnsafeMutablePointer<CChar>?, Int) -> Int32) throws(CodecLibraryError) {
        var reason = [CChar](repeating: 0, count: 256)
        if function(&reason, reason.count) != 0 { return }  // open
        let text = reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        throw CodecLibraryError(reason: String(decoding: text, as: UTF8.self))
    }
}

/// A codec library that cannot be opened: missing, or not the version zoo was built for.
public struct CodecLibraryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The reason in one line, naming the library and what to install
    /// ("libjpeg not found; install libjpeg62-turbo").
    public let reason: String
    /// The reason.
    public var description: String { reason }
}
