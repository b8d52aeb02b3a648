import Foundation
import Testing
import ZooTestSupport
@testable import ZooVision

/// WebP, TIFF, GIF and BMP against Pillow's `Image.open(f).convert("RGB")` on the same files.
@Suite struct FormatDecoderTests {
    @Test(arguments: FormatFixtures.manifest.decode.map(\.file))
    func decodesLikePillow(file: String) throws {
        let entry = FormatFixtures.manifest.decode.first { $0.file == file }!
        let image = try ImageDecoder.decode(contentsOf: FormatFixtures.url(file), options: .frameworks)
        let reference = try ImageDecoder.decode(contentsOf: FormatFixtures.url(entry.expected), options: .frameworks)
        #expect(image.width == entry.width && image.height == entry.height, "\(file): \(entry.note)")
        guard image.width == reference.width, image.height == reference.height else { return }
        let diff = difference(image, reference)
        #expect(diff.max == 0, "\(file) (\(entry.note)): \(diff.count) bytes differ from Pillow's, by up to \(diff.max)")
    }

    @Test(arguments: FormatFixtures.manifest.exif.map(\.file))
    func orientationLikeExifTranspose(file: String) throws {
        let entry = FormatFixtures.manifest.exif.first { $0.file == file }!
        let upright = try ImageDecoder.decode(contentsOf: FormatFixtures.url(file))
        let expected = try ImageDecoder.decode(contentsOf: FormatFixtures.url(entry.upright))
        #expect(upright == expected, "\(file): orientation \(entry.orientation)")
    }

    /// Pillow turns a TIFF upright by its Orientation tag as it loads it, so Keras and torchvision
    /// see it upright too: the orientation applies even with `.frameworks`.
    @Test func tiffOrientationAppliesEvenForFrameworks() throws {
        let url = FormatFixtures.url("orientation.tif")
        #expect(try ImageDecoder.decode(contentsOf: url, options: .frameworks) == (try ImageDecoder.decode(contentsOf: url)))
        #expect(try ImageDecoder.decode(contentsOf: url).width == 28)
    }

    @Test(arguments: FormatFixtures.manifest.bad.map(\.file))
    func brokenFileGivesOneClearError(file: String) throws {
        let entry = FormatFixtures.manifest.bad.first { $0.file == file }!
        let url = FormatFixtures.url(file)
        do {
            let image = try ImageDecoder.decode(contentsOf: url)
            Issue.record("\(file) decoded to \(image.width)x\(image.height); Pillow says \(entry.pil)")
        } catch let error as VisionError {
            #expect(error.kindName == entry.error, "\(file): \(error) (Pillow: \(entry.pil))")
            #expect(error.description.hasPrefix(url.path + ": "), "\(error) does not name the file")
        }
    }

    /// Hostile headers: each refused with the pixel count it claims, before pixel memory.
    @Test(arguments: [("huge.bmp", 30000, 30000), ("huge.tif", 100_000, 100_000),
                      ("huge.gif", 65535, 65535), ("huge.webp", 16384, 16384)])
    func hugeHeaderIsRefusedBeforeDecoding(file: String, width: Int, height: Int) {
        let url = FormatFixtures.url(file)
        #expect(throws: VisionError.tooManyPixels(file: url.path, width: width, height: height, limit: 178_956_970)) {
            try ImageDecoder.decode(contentsOf: url)
        }
    }

    @Test func truncationNamesTheFormat() {
        for (file, format) in [("truncated_lossy.webp", ImageFormat.webp), ("truncated_rgb.tif", .tiff),
                               ("truncated_still.gif", .gif), ("truncated_rgb24.bmp", .bmp)] {
            let url = FormatFixtures.url(file)
            #expect(throws: VisionError.truncated(file: url.path, format: format)) { try ImageDecoder.decode(contentsOf: url) }
        }
    }

    @Test func sniffsEveryFormatFromItsBytes() {
        let signatures: [(String, ImageFormat?)] = [
            ("RIFF\u{10}\0\0\0WEBPVP8 ", .webp), ("RIFF\u{10}\0\0\0WAVEfmt ", nil), ("II*\0\u{8}\0\0\0", .tiff),
            ("MM\0*\0\0\0\u{8}", .tiff), ("II+\0\u{8}\0\0\0", .tiff), ("GIF87a", .gif), ("GIF89a", .gif),
            ("GIF90a", nil), ("BM", .bmp), ("B", nil),
        ]
        for (text, format) in signatures {
            Array(text.utf8).withUnsafeBytes { #expect(ImageFormat(sniffing: $0) == format, "\(text)") }
        }
    }

    @Test func notAnImageListsTheFormats() {
        let text = Data("hello, not a picture".utf8)
        #expect(throws: VisionError.notAnImage(file: "notes.webp")) { try ImageDecoder.decode(text, name: "notes.webp") }
        #expect(VisionError.notAnImage(file: "a").description == "a: not a JPEG, PNG, WebP, TIFF, GIF or BMP image")
    }

    @Test func everyPrefixFailsCleanly() throws {
        // Cut one file of each format at many lengths: each either decodes or throws.
        for file in ["alpha_lossy.webp", "rgb_lzw.tif", "rgb_tiled.tif", "animated.gif", "palette4.bmp", "bitfields32_rgba.bmp"] {
            let data = try Data(contentsOf: FormatFixtures.url(file))
            for length in stride(from: 0, to: data.count, by: max(1, data.count / 89)) {
                do {
                    _ = try ImageDecoder.decode(data.prefix(length), name: file)
                } catch is VisionError {
                    continue
                }
            }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        var random = SeededRandom(seed: 20_261_205)
        let options = ImageDecoder.Options(maxPixels: 1 << 20)
        for file in ["lossless.webp", "rgb.tif", "plain.gif", "palette8.bmp", "bitfields16_565.bmp"] {
            let original = [UInt8](try Data(contentsOf: FormatFixtures.url(file)))
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<4 {
                    bytes[Int.random(in: 2..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                _ = try? bytes.withUnsafeBytes { try ImageDecoder.decode($0, name: file, options: options) }
            }
        }
    }

    @Test func reportsLibraryVersions() throws {
        #expect(try CodecLibraries.webpVersion >= 0x010000)
        #expect(try CodecLibraries.tiffVersion.contains("LIBTIFF"))
        #expect(try CodecLibraries.gifVersion >= 50000)
    }
}
