import CJPEG
import CPNG

/// The image codec libraries this build links against.
public enum CodecLibraries {
    /// libjpeg's API version (62 for libjpeg-turbo's default ABI).
    public static var jpegVersion: Int { Int(JPEG_LIB_VERSION) }
    /// libpng's run-time version, e.g. 10639 for 1.6.39.
    public static var pngVersion: Int { Int(png_access_version_number()) }
}
