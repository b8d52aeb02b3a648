import Foundation
import ZooVision

/// The committed fixtures (Fixtures/, written by tools/vision/make_fixtures.py) and the
/// manifest that says what PIL made of each.
enum Fixtures {
    static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The repository root, for files outside the test bundle (zoo/).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let manifest: Manifest = {
        let data = try! Data(contentsOf: url("manifest.json"))
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    /// Decodes a fixture the way Keras and torchvision see it (EXIF ignored).
    static func image(_ name: String) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: url(name), options: .frameworks)
    }

    struct Manifest: Decodable {
        let pillow: String
        let decode: [Decode]
        let exif: [EXIF]
        let resize: [Resize]
        let preprocess: [Preprocess]
        let pipeline: [Pipeline]
        let bad: [Bad]
    }

    struct Decode: Decodable {
        let file: String
        let note: String
        let width: Int
        let height: Int
        let expected: String?
        let expected_npy: String?
        let fnv1a64: String?
    }

    struct EXIF: Decodable {
        let file: String
        let orientation: Int
        let upright: String
        let raw: String
    }

    struct Resize: Decodable {
        let source: String
        let op: String
        let expected: String
        let filter: String
        let width: Int?
        let height: Int?
        let size: Int?
        let crop: [Int]?
        let crop_box: [Int]?
        /// For "shorter_side_crop" the crop size is an Int; for "resize" a box.
        enum CodingKeys: String, CodingKey { case source, op, expected, filter, width, height, size, crop, crop_box }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            source = try c.decode(String.self, forKey: .source)
            op = try c.decode(String.self, forKey: .op)
            expected = try c.decode(String.self, forKey: .expected)
            filter = try c.decode(String.self, forKey: .filter)
            width = try c.decodeIfPresent(Int.self, forKey: .width)
            height = try c.decodeIfPresent(Int.self, forKey: .height)
            size = try c.decodeIfPresent(Int.self, forKey: .size)
            crop_box = try c.decodeIfPresent([Int].self, forKey: .crop_box)
            if let square = try? c.decodeIfPresent(Int.self, forKey: .crop) {
                crop = [square]
            } else {
                crop = try c.decodeIfPresent([Int].self, forKey: .crop)
            }
        }
    }

    struct Preprocess: Decodable {
        let input: String
        let mode: String
        let order: String
        let mean: [Float]
        let std: [Float]?
        let divisor: Float?
        let nhwc: String
        let nchw: String
    }

    struct Pipeline: Decodable {
        let name: String
        let file: String
        let mode: String
        let layout: String
        let shape: [Int]
        let positions: [Int]
        let values: [Float]
        let sum: Double
    }

    struct Bad: Decodable {
        let file: String
        let error: String
        let pil: String
    }
}

/// FNV-1a 64-bit, as the fixture script computes it.
func fnv1a64(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// The largest absolute difference between two images of one size, and how many bytes differ.
func difference(_ a: RGBImage, _ b: RGBImage) -> (max: Int, count: Int) {
    precondition(a.width == b.width && a.height == b.height, "\(a.width)x\(a.height) vs \(b.width)x\(b.height)")
    var worst = 0, count = 0
    for i in a.pixels.indices {
        let d = abs(Int(a.pixels[i]) - Int(b.pixels[i]))
        worst = max(worst, d)
        if d != 0 { count += 1 }
    }
    return (worst, count)
}
