import Foundation

/// The WebP, TIFF, GIF and BMP fixtures (Fixtures/formats/, written by
/// tools/vision/make_format_fixtures.py) and what Pillow made of each.
enum FormatFixtures {
    static func url(_ name: String) -> URL { Fixtures.url("formats/" + name) }

    static let manifest: Manifest = {
        let data = try! Data(contentsOf: url("formats.json"))
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    struct Manifest: Decodable {
        let pillow: String
        let decode: [Decode]
        let exif: [EXIF]
        let bad: [Fixtures.Bad]
    }

    struct Decode: Decodable {
        let file: String
        let note: String
        let width: Int
        let height: Int
        let expected: String
    }

    struct EXIF: Decodable {
        let file: String
        let orientation: Int
        let upright: String
    }
}
