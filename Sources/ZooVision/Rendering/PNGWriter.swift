import CImageCodecs
import Foundation

/// An image that could not be encoded or written, naming the file.
public struct ImageWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file that could not be written.
    public let file: String
    /// Why.
    public let detail: String
    /// The error in one line, naming the file.
    public var description: String { "\(file): \(detail)" }
}

extension RGBImage {
    /// The image as PNG bytes (8-bit RGB), encoded by libpng through the C shim, which keeps
    /// libpng's longjmp on its side of the boundary.
    public func pngData() throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var error = zoo_codec_error()
        let status = pixels.withUnsafeBufferPointer {
            zoo_png_encode_rgb($0.baseAddress, UInt32(width), UInt32(height), &out, &size, &error)
        }
        guard status == Int32(ZOO_CODEC_OK.rawValue), let out else {
            let message = withUnsafeBytes(of: error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImageWriteError(file: "png", detail: "cannot be encoded (\(message))")
        }
        defer { zoo_png_free(out) }
        return Data(bytes: out, count: size)
    }

    /// Writes the image as a PNG file, atomically: a reader never sees half a file.
    public func writePNG(to url: URL) throws {
        let data: Data
        do { data = try pngData() } catch let e as ImageWriteError { throw ImageWriteError(file: url.path, detail: e.detail) }
        do { try data.write(to: url, options: .atomic) } catch {
            throw ImageWriteError(file: url.path, detail: "cannot be written (\(error.localizedDescription))")
        }
    }
}
