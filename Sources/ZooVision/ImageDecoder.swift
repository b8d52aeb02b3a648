import Foundation
import ZooTensor

/// Reads JPEG (baseline, progressive, grayscale, CMYK/YCCK), PNG (1-16 bit, gray, palette,
/// alpha, interlaced), WebP (lossy, lossless, alpha; first frame), TIFF (see `zoo_tiff_read_rgb`),
/// GIF (first frame) and BMP (see `BMPDecoder`) files into 8-bit RGB, giving the same pixels as PIL's
/// `Image.open(path).convert('RGB')`: alpha is dropped, not composited, and CMYK uses PIL's
/// inverted-Adobe convention. Every failure is a `VisionError` naming the file.
public enum ImageDecoder {
    /// PIL's decompression-bomb limit: `Image.open` refuses more than
    /// 2 * `Image.MAX_IMAGE_PIXELS` = 178,956,970 pixels.
    public static let defaultMaxPixels = 178_956_970

    /// How to decode.
    public struct Options: Sendable, Hashable {
        /// Turn the image upright by its EXIF orientation, as a person expects of a phone photo.
        /// Keras and torchvision do not; switch this off to feed a model exactly what they would.
        public var appliesEXIFOrientation: Bool
        /// Images with more pixels are refused before their pixel memory is allocated.
        public var maxPixels: Int

        /// Options as `zoo predict` uses them by default: EXIF applied, `defaultMaxPixels`.
        public init(appliesEXIFOrientation: Bool = true, maxPixels: Int = ImageDecoder.defaultMaxPixels) {
            self.appliesEXIFOrientation = appliesEXIFOrientation
            self.maxPixels = maxPixels
        }

        /// What Keras' `load_img` and torchvision's `ImageFolder` see: EXIF orientation ignored.
        public static let frameworks = Options(appliesEXIFOrientation: false)
    }

    /// Decodes the image file at `url`.
    public static func decode(contentsOf url: URL, options: Options = Options()) throws -> RGBImage {
        let file = url.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else {
            throw VisionError.unreadable(file: file, detail: "no such file")
        }
        guard !isFolder.boolValue else { throw VisionError.unreadable(file: file, detail: "is a folder, not an image") }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw VisionError.unreadable(file: file, detail: "cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, name: file, options: options)
    }

    /// Decodes an encoded image held in memory; `name` is used in error messages.
    public static func decode(_ data: Data, name: String, options: Options = Options()) throws -> RGBImage {
        try data.withUnsafeBytes { try decode($0, name: name, options: options) }
    }

    /// Decodes an encoded image held in memory; `name` is used in error messages.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String, options: Options = Options()) throws -> RGBImage {
        guard bytes.count > 0 else { throw VisionError.empty(file: name) }
        guard let format = ImageFormat(sniffing: bytes) else {
            throw GitLFSPointer.matches(bytes.prefix(64)) ? VisionError.gitLFSPointer(file: name) : VisionError.notAnImage(file: name)
        }
        var (image, tag) = try decode(bytes, as: format, file: name, maxPixels: options.maxPixels)
        if format == .tiff, let orientation = EXIFOrientation(rawValue: tag) {
            // Pillow turns a TIFF upright as it loads it (its own Orientation tag, not an EXIF
            // block), so Keras and torchvision see it upright too.
            image = orientation.applied(to: image)
            tag = EXIFOrientation.up.rawValue
        }
        guard options.appliesEXIFOrientation, let orientation = EXIFOrientation(rawValue: tag) else { return image }
        return orientation.applied(to: image)
    }

    /// The decoder for each format: C libraries behind the shims, BMP in Swift (Debian has no
    /// maintained BMP library).
    private static func decode(_ bytes: UnsafeRawBufferPointer, as format: ImageFormat, file: String,
                               maxPixels: Int) throws -> (RGBImage, orientation: Int) {
        switch format {
        case .jpeg: try NativeDecoder.jpeg.decode(bytes, file: file, maxPixels: maxPixels)
        case .png: try NativeDecoder.png.decode(bytes, file: file, maxPixels: maxPixels)
        case .webp: try NativeDecoder.webp.decode(bytes, file: file, maxPixels: maxPixels)
        case .tiff: try NativeDecoder.tiff.decode(bytes, file: file, maxPixels: maxPixels)
        case .gif: try NativeDecoder.gif.decode(bytes, file: file, maxPixels: maxPixels)
        case .bmp: (try BMPDecoder.decode(bytes, file: file, maxPixels: maxPixels), 1)
        }
    }
}
