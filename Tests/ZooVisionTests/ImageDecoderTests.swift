import Foundation
import Testing
import ZooTensor
@testable import ZooVision

/// Decoding against what PIL's `Image.open(f).convert('RGB')` gives for the same file.
@Suite struct ImageDecoderTests {
    @Test(arguments: Fixtures.manifest.decode.map(\.file))
    func decodesLikePIL(file: String) throws {
        let entry = Fixtures.manifest.decode.first { $0.file == file }!
        let image = try Fixtures.image(file)
        #expect(image.width == entry.width && image.height == entry.height, "\(file): \(entry.note)")
        if let hash = entry.fnv1a64 {
            #expect(fnv1a64(image.pixels) == hash, "\(file) (\(entry.note)): pixels differ from PIL's")
        }
        if let expected = entry.expected {
            let reference = try Fixtures.image(expected)
            let diff = difference(image, reference)
            #expect(diff.max == 0, "\(file) (\(entry.note)): \(diff.count) bytes differ, by up to \(diff.max)")
        }
        if let npy = entry.expected_npy {
            // Raw bytes from numpy: checks the PNG path the other expectations are read with.
            let tensor = try NPY.read(contentsOf: Fixtures.url(npy))
            #expect(tensor.shape == [entry.height, entry.width, 3])
            #expect(tensor.int64s.map { UInt8($0) } == image.pixels)
        }
    }

    @Test func decodesFromMemoryWithAName() throws {
        let data = try Data(contentsOf: Fixtures.url("gray.jpg"))
        let image = try ImageDecoder.decode(data, name: "upload")
        #expect(image == (try Fixtures.image("gray.jpg")))
        #expect(throws: VisionError.truncated(file: "upload", format: .jpeg)) {
            try ImageDecoder.decode(data.prefix(data.count / 2), name: "upload")
        }
    }

    @Test func refusesImagesOverTheConfiguredPixelLimit() throws {
        let options = ImageDecoder.Options(maxPixels: 451 * 300 - 1)
        #expect(throws: VisionError.tooManyPixels(file: Fixtures.url("cat.jpg").path, width: 451, height: 300, limit: 451 * 300 - 1)) {
            try ImageDecoder.decode(contentsOf: Fixtures.url("cat.jpg"), options: options)
        }
        let exactly = ImageDecoder.Options(maxPixels: 451 * 300)
        #expect(try ImageDecoder.decode(contentsOf: Fixtures.url("cat.jpg"), options: exactly).width == 451)
    }

    @Test func pilLimitIsTwiceMaxImagePixels() {
        // PIL: MAX_IMAGE_PIXELS = int(1024 * 1024 * 1024 // 4 // 3); error above twice that.
        #expect(ImageDecoder.defaultMaxPixels == 2 * (1024 * 1024 * 1024 / 4 / 3))
    }

    @Test func sniffsFormatFromBytes() {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        jpeg.withUnsafeBytes { #expect(ImageFormat(sniffing: $0) == .jpeg) }
        png.withUnsafeBytes { #expect(ImageFormat(sniffing: $0) == .png) }
        Array(png.prefix(7)).withUnsafeBytes { #expect(ImageFormat(sniffing: $0) == nil) }
        [UInt8]("%PDF-1.4".utf8).withUnsafeBytes { #expect(ImageFormat(sniffing: $0) == nil) }
    }

    @Test func reportsLibraryVersions() throws {
        #expect(try CodecLibraries.jpegVersion >= 62)
        #expect(try CodecLibraries.pngVersion >= 10600)
    }
}
