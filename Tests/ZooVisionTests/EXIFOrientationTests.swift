import Foundation
import Testing
@testable import ZooVision

/// EXIF orientation against PIL's `ImageOps.exif_transpose`.
@Suite struct EXIFOrientationTests {
    @Test(arguments: Fixtures.manifest.exif.map(\.file))
    func uprightLikePILAndRawWhenAsked(file: String) throws {
        let entry = Fixtures.manifest.exif.first { $0.file == file }!
        let upright = try ImageDecoder.decode(contentsOf: Fixtures.url(file))
        let expectedUpright = try Fixtures.image(entry.upright)
        #expect(upright.width == expectedUpright.width && upright.height == expectedUpright.height)
        #expect(difference(upright, expectedUpright).max == 0, "\(file): orientation \(entry.orientation)")

        let raw = try Fixtures.image(file)
        #expect(raw == (try Fixtures.image(entry.raw)), "\(file): EXIF must be ignored with .frameworks")
    }

    @Test func readsTheTagFromLittleAndBigEndianTIFF() {
        let little: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]
        let big: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0]
        little.withUnsafeBytes { #expect(EXIFOrientation.tag(inTIFF: $0) == 6) }
        big.withUnsafeBytes { #expect(EXIFOrientation.tag(inTIFF: $0) == 8) }
    }

    @Test func malformedEXIFMeansNoRotation() {
        let cases: [[UInt8]] = [
            [],
            [0x49, 0x49, 42, 0],
            [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0, 0],                                // IFD past the end
            [0x49, 0x49, 43, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0], // not TIFF
            [0x49, 0x49, 42, 0, 8, 0, 0, 0, 9, 0, 0x12, 0x01],                    // 9 entries, 1 present
            [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0], // value 9
        ]
        for bytes in cases {
            bytes.withUnsafeBytes { #expect(EXIFOrientation.tag(inTIFF: $0) == 1, "\(bytes)") }
        }
    }

    @Test func transformsMapCornersAsPIL() {
        // A 3x2 image whose pixels are numbered 0...5 in reading order.
        let image = RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        func order(_ o: EXIFOrientation) -> [UInt8] {
            let out = o.applied(to: image)
            return stride(from: 0, to: out.pixels.count, by: 3).map { out.pixels[$0] }
        }
        #expect(order(.up) == [0, 1, 2, 3, 4, 5])
        #expect(order(.upMirrored) == [2, 1, 0, 5, 4, 3])
        #expect(order(.down) == [5, 4, 3, 2, 1, 0])
        #expect(order(.downMirrored) == [3, 4, 5, 0, 1, 2])
        #expect(order(.leftMirrored) == [0, 3, 1, 4, 2, 5])
        #expect(order(.right) == [3, 0, 4, 1, 5, 2])
        #expect(order(.rightMirrored) == [5, 2, 4, 1, 3, 0])
        #expect(order(.left) == [2, 5, 1, 4, 0, 3])
    }
}
