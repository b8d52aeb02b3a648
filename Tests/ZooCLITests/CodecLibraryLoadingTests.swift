import Foundation
import Testing
import ZooTestSupport

/// The image codec libraries are opened the first time an image needs them, not linked, so that
/// a process that decodes no image never loads them (CImageCodecs.h). Checked on the built `zoo`
/// and in child processes: in this shared test process other tests open the codecs anyway.
@Suite struct CodecLibraryLoadingTests {
    #if os(Linux)
    /// The executable's ELF DT_NEEDED entries (what the dynamic loader maps before `main`, as
    /// `readelf -d` lists them) name none of the codecs.
    @Test func zooDoesNotLinkTheImageCodecs() throws {
        let needed = try #require(try Self.neededLibraries(of: ZooExecutable.url), "zoo is not a 64-bit ELF file")
        #expect(needed.contains("libc.so.6"), "the entries are read: \(needed)")
        let prefixes = ["libjpeg", "libpng", "libwebp", "libtiff", "libgif"]
        let codecs = needed.filter { name in prefixes.contains { name.hasPrefix($0) } }
        #expect(codecs.isEmpty, "linked: \(codecs)")
    }

    /// Without libjpeg, a JPEG is one error line naming the file, the library and the package to
    /// install, while a PNG still decodes. glibc stops looking for a library at the first file of
    /// its name that it cannot load, so an empty file of each name jpeg_loader.c tries on Linux,
    /// first on LD_LIBRARY_PATH, hides the installed one from that child alone.
    @Test func withoutLibjpegAJPEGSaysWhatToInstall() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["libjpeg.so.62", "libjpeg.so.8", "libjpeg.so"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        let environment = ["LD_LIBRARY_PATH": folder.path, "ZOO_HOME": folder.appendingPathComponent("home").path]
        let photo = SampleImages.url("cat.jpg").path
        let jpeg = try ZooExecutable.run(["predict", "--model", "tiny-cnn", photo], environment: environment)
        expectOneErrorLine(jpeg, status: 1, containing: "zoo: error: \(photo): cannot decode JPEG: "
                           + "libjpeg not found; install libjpeg62-turbo", "libjpeg hidden")
        let png = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ZooVisionTests/Fixtures/formats/cat96.png").path
        let other = try ZooExecutable.run(["predict", "--model", "tiny-cnn", png], environment: environment)
        #expect(other.status == 0, "libpng opens on its own: \(other.stderr)")
    }

    /// The DT_NEEDED names of a 64-bit little-endian ELF file, read from its section headers; nil
    /// for any other file.
    static func neededLibraries(of url: URL) throws -> [String]? {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(data[data.startIndex + offset + $1]) << (8 * $1) }
        }
        guard data.count > 64, data.prefix(6) == Data([0x7F, 0x45, 0x4C, 0x46, 2, 1]) else { return nil }
        let table = integer(0x28, 8), entrySize = integer(0x3A, 2), count = integer(0x3C, 2)
        for index in 0..<count where integer(table + index * entrySize + 4, 4) == 6 { // SHT_DYNAMIC
            let dynamic = table + index * entrySize
            let strings = integer(table + integer(dynamic + 0x28, 4) * entrySize + 0x18, 8) // its sh_link's offset
            let start = integer(dynamic + 0x18, 8), end = start + integer(dynamic + 0x20, 8)
            return stride(from: start, to: end, by: 16).filter { integer($0, 8) == 1 }.map { entry in // DT_NEEDED
                let name = data[(data.startIndex + strings + integer(entry + 8, 8))...].prefix { $0 != 0 }
                return String(decoding: name, as: UTF8.self)
            }
        }
        return []
    }
    #endif
}
