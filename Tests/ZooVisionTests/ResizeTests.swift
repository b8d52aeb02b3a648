import Testing
@testable import ZooVision

/// Resizing against PIL's `Image.resize` (Keras `load_img`, torchvision `Resize`/`CenterCrop`).
@Suite struct ResizeTests {
    /// Allowed difference per filter: the bar is exact for nearest and one grey level
    /// for bilinear and bicubic (the implementation reproduces PIL's fixed point, so 0 is seen).
    static let tolerance: [ResizeFilter: Int] = [.nearest: 0, .bilinear: 1, .bicubic: 1]

    @Test(arguments: Fixtures.manifest.resize.map(\.expected))
    func matchesPIL(expected: String) throws {
        let entry = Fixtures.manifest.resize.first { $0.expected == expected }!
        let filter = try #require(ResizeFilter(rawValue: entry.filter))
        var source = try Fixtures.image(entry.source)
        let box = entry.op == "resize" ? entry.crop : entry.crop_box
        if let box {
            source = source.cropped(x: box[0], y: box[1], width: box[2], height: box[3])
        }
        let output: RGBImage
        switch entry.op {
        case "resize":
            output = source.resized(width: entry.width!, height: entry.height!, filter: filter)
        default:
            output = source.resizedAndCenterCropped(shorterSide: entry.size!, crop: entry.crop![0], filter: filter)
        }
        let reference = try Fixtures.image(expected)
        #expect(output.width == reference.width && output.height == reference.height)
        let diff = difference(output, reference)
        #expect(diff.max <= Self.tolerance[filter]!, "\(expected): \(diff.count) bytes differ by up to \(diff.max)")
        print("resize \(expected) [\(filter)]: max difference \(diff.max), \(diff.count) bytes differ")
    }

    @Test func shorterSideFollowsTorchvision() {
        // int(256 * long / short), shorter side first in width when width <= height.
        #expect(RGBImage.shorterSideSize(width: 451, height: 300, to: 256) == (384, 256))
        #expect(RGBImage.shorterSideSize(width: 300, height: 400, to: 256) == (256, 341))
        #expect(RGBImage.shorterSideSize(width: 500, height: 500, to: 256) == (256, 256))
        #expect(RGBImage.shorterSideSize(width: 1, height: 3, to: 2) == (2, 6))
    }

    @Test func centerCropRoundsHalfToEven() {
        // (341 - 224) / 2 = 58.5 -> 58 in Python 3; (343 - 224) / 2 = 59.5 -> 60.
        let tall = numbered(width: 1, height: 341)
        #expect(tall.centerCropped(width: 1, height: 224).pixels[0] == 58)
        let taller = numbered(width: 1, height: 343)
        #expect(taller.centerCropped(width: 1, height: 224).pixels[0] == 60)
    }

    @Test func centerCropPadsSmallImagesWithBlack() {
        // torchvision pads (crop - size) // 2 on the left/top, the rest on the right/bottom.
        let image = RGBImage(width: 1, height: 1, pixels: [9, 9, 9])
        let out = image.centerCropped(width: 4, height: 3)
        #expect(out.width == 4 && out.height == 3)
        let lit = stride(from: 0, to: out.pixels.count, by: 3).filter { out.pixels[$0] == 9 }.map { $0 / 3 }
        #expect(lit == [1 * 4 + 1])
    }

    @Test func sameSizeIsACopy() {
        let image = numbered(width: 5, height: 4)
        for filter in ResizeFilter.allCases {
            #expect(image.resized(width: 5, height: 4, filter: filter) == image)
        }
    }

    @Test func constantImageStaysConstant() {
        let flat = RGBImage(width: 7, height: 5, pixels: [UInt8](repeating: 200, count: 7 * 5 * 3))
        for filter in ResizeFilter.allCases {
            for (w, h) in [(3, 2), (20, 11), (7, 1), (1, 9)] {
                let out = flat.resized(width: w, height: h, filter: filter)
                #expect(out.pixels.allSatisfy { $0 == 200 }, "\(filter) \(w)x\(h)")
            }
        }
    }

    @Test func nearestPicksPixelCentres() {
        // 4 -> 2 takes source pixels 1 and 3 (positions 1.0 and 3.0), as PIL does.
        let row = numbered(width: 4, height: 1)
        #expect(row.resized(width: 2, height: 1, filter: .nearest).pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [1, 3])
    }

    @Test func cropOutsideIsBlack() {
        let image = numbered(width: 3, height: 2)
        let out = image.cropped(x: -1, y: 1, width: 3, height: 2)
        #expect(out.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [0, 3, 4, 0, 0, 0])
    }

    /// An image whose red channel numbers the pixels in reading order (mod 256).
    private func numbered(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<(width * height)).flatMap { [UInt8($0 % 256), 0, 0] })
    }
}
