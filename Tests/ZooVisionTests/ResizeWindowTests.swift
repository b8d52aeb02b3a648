import Foundation
import Testing
@testable import ZooVision

/// Resize-then-crop computes only the crop's window (issue 15: a 20000x1 PNG no longer becomes a
/// 5120000x256 image first). The window must be byte for byte the crop of the full resize,
/// which ResizeTests holds to PIL.
@Suite struct ResizeWindowTests {
    static func image(width: Int, height: Int) -> RGBImage {
        var state: UInt32 = 12345
        let pixels = (0..<width * height * 3).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [ResizeFilter.nearest, .bilinear, .bicubic])
    func windowEqualsCropOfTheFullResize(filter: ResizeFilter) {
        for (w, h, size, crop) in [(37, 5, 16, 12), (5, 37, 16, 16), (300, 200, 64, 48), (40, 40, 40, 33), (9, 2000, 8, 7)] {
            let source = Self.image(width: w, height: h)
            let full = source.resized(shorterSide: size, filter: filter).centerCropped(width: crop, height: crop)
            let windowed = source.resizedAndCenterCropped(shorterSide: size, crop: crop, filter: filter)
            #expect(windowed == full, "\(w)x\(h) -> \(size), crop \(crop), \(filter)")
        }
    }

    @Test func wideImageIsFast() {
        let source = RGBImage(width: 20000, height: 1, pixels: [UInt8](repeating: 128, count: 60000))
        let start = ContinuousClock.now
        let out = source.resizedAndCenterCropped(shorterSide: 256, crop: 224, filter: .bilinear)
        #expect(out.width == 224 && out.height == 224)
        #expect(out.pixels.allSatisfy { $0 == 128 })
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
