import CImageCodecs

/// The image codec libraries this build links against.
public enum CodecLibraries {
    /// libjpeg's API version (62 for libjpeg-turbo's default ABI).
    public static var jpegVersion: Int { Int(zoo_jpeg_lib_version()) }
    /// libpng's run-time version, e.g. 10639 for 1.6.39.
    public static var pngVersion: Int { Int(zoo_png_lib_version()) }
    /// libwebp's decoder version as 0xMMmmpp, e.g. 0x010204 for 1.2.4.
    public static var webpVersion: Int { Int(zoo_webp_lib_version()) }
    /// libtiff's version text ("LIBTIFF, Version 4.5.0...").
    public static var tiffVersion: String { String(cString: zoo_tiff_lib_version()) }
    /// giflib's version as major * 10000 + minor * 100 + release, e.g. 50201.
    public static var gifVersion: Int { Int(zoo_gif_lib_version()) }
}
