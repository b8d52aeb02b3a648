import CImageCodecs

/// The image codec libraries this build links against.
public enum CodecLibraries {
    /// libjpeg's API version (62 for libjpeg-turbo's default ABI).
    public static var jpegVersion: Int { Int(zoo_jpeg_lib_version()) }
    /// libpng's run-time version, e.g. 10639 for 1.6.39.
    public static var pngVersion: Int { Int(zoo_png_lib_version()) }
}
