import Foundation
import ZooVision

/// An image handed to a model: a file, encoded bytes (JPEG or PNG), or decoded RGB pixels.
public enum ImageSource: Sendable {
    /// An image file in any format zoo decodes (JPEG, PNG, WebP, TIFF, GIF, BMP).
    case file(URL)
    /// An encoded image in memory; `name` is used in error messages.
    case encoded(Data, name: String)
    /// Pixels already decoded.
    case rgb(RGBImage)

    /// A short name for messages: the file name, or the name given with the bytes.
    public var name: String {
        switch self {
        case .file(let url): url.lastPathComponent
        case .encoded(_, let name): name
        case .rgb: "image"
        }
    }

    /// The image as RGB pixels, decoded with `options` where it is encoded.
    public func decoded(_ options: ImageDecoder.Options) throws -> RGBImage {
        switch self {
        case .file(let url): try ImageDecoder.decode(contentsOf: url, options: options)
        case let .encoded(data, name): try ImageDecoder.decode(data, name: name, options: options)
        case .rgb(let image): image
        }
    }
}
