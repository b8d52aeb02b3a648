import Foundation
import Testing
import ZooTestSupport

/// `zoo predict` on WebP, TIFF, GIF and BMP photos (the sample cat at 96x64, written by
/// tools/vision/make_format_fixtures.py), on the real EfficientNet-Lite0 that tools/setup caches.
@Suite struct ImageFormatCommandTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ZooVisionTests/Fixtures/formats")
    let png = folder.appendingPathComponent("cat96.png").path

    /// The rank lines of one image's block (the path line dropped).
    private func predictions(_ file: String) throws -> [String] {
        let r = try ZooExecutable.run(["predict", "--top", "3", file])
        #expect(r.status == 0, "\(file): \(r.stderr)")
        return Array(r.stdout.split(separator: "\n").map(String.init).dropFirst())
    }

    @Test(arguments: ["cat96.webp", "cat96.tif", "cat96.bmp"])
    func losslessFormatsPredictExactlyAsThePNG(file: String) throws {
        let lines = try predictions(Self.folder.appendingPathComponent(file).path)
        #expect(lines.count == 3 && lines[0].hasPrefix("  1  Egyptian_cat"), "\(lines)")
        #expect(lines == (try predictions(png)), "\(file): the same pixels must give the same scores")
    }

    @Test func gifFirstFramePredictsTheCat() throws {
        let lines = try predictions(Self.folder.appendingPathComponent("cat96.gif").path)
        #expect(lines.first?.hasPrefix("  1  Egyptian_cat") == true && lines.first?.hasSuffix("0.6620") == true, "\(lines)")
    }

    @Test func aWebPNamedJPGAndAFolderOfEveryFormat() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (source, name) in [("cat96.webp", "a.jpg"), ("cat96.tif", "b.tiff"), ("cat96.gif", "c.gif"),
                               ("cat96.bmp", "d.BMP"), ("cat96.webp", "e.webp"), ("cat96.tif", "f.tif")] {
            try FileManager.default.copyItem(at: Self.folder.appendingPathComponent(source), to: dir.appendingPathComponent(name))
        }
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let r = try ZooExecutable.run(["predict", "--top", "1", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let blocks = r.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(blocks.map { ($0 as NSString).lastPathComponent } == ["a.jpg", "b.tiff", "c.gif", "d.BMP", "e.webp", "f.tif"], "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "Egyptian_cat").count == 7, "\(r.stdout)")
    }

    @Test func aBrokenTIFFIsOneLineNamingIt() throws {
        let file = Self.folder.appendingPathComponent("truncated_rgb_lzw.tif").path
        let r = try ZooExecutable.run(["predict", file])
        #expect(r.status == 1)
        #expect(r.stderr == "zoo: error: \(file): TIFF image file is truncated\n", "\(r.stderr)")
    }
}
