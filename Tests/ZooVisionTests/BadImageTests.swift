import Foundation
import Testing
import ZooTestSupport
@testable import ZooVision

/// Every broken file gives one clear `VisionError` naming the file, and no crash.
@Suite struct BadImageTests {
    @Test(arguments: Fixtures.manifest.bad.map(\.file))
    func brokenFileGivesOneClearError(file: String) throws {
        let entry = Fixtures.manifest.bad.first { $0.file == file }!
        let url = Fixtures.url(file)
        do {
            let image = try ImageDecoder.decode(contentsOf: url)
            Issue.record("\(file) decoded to \(image.width)x\(image.height); PIL says \(entry.pil)")
        } catch let error as VisionError {
            #expect(error.kindName == entry.error, "\(file): \(error) (PIL: \(entry.pil))")
            #expect(error.description.hasPrefix(url.path + ": "), "\(error) does not name the file")
        }
    }

    @Test func truncationReadsLikePIL() throws {
        #expect(throws: VisionError.truncated(file: Fixtures.url("truncated.jpg").path, format: .jpeg)) {
            try ImageDecoder.decode(contentsOf: Fixtures.url("truncated.jpg"))
        }
        let error = VisionError.truncated(file: "a/b.jpg", format: .jpeg)
        #expect(error.description == "a/b.jpg: JPEG image file is truncated")
    }

    @Test func hugeHeaderIsRefusedBeforeDecoding() throws {
        let url = Fixtures.url("huge.png")
        #expect(throws: VisionError.tooManyPixels(file: url.path, width: 30000, height: 30000, limit: 178_956_970)) {
            try ImageDecoder.decode(contentsOf: url)
        }
    }

    @Test func folderIsNotAnImage() {
        let folder = Fixtures.folder
        #expect(throws: VisionError.unreadable(file: folder.path, detail: "is a folder, not an image")) {
            try ImageDecoder.decode(contentsOf: folder)
        }
    }

    @Test func missingFileIsNamed() {
        let url = Fixtures.url("no-such-photo.jpg")
        #expect(throws: VisionError.unreadable(file: url.path, detail: "no such file")) {
            try ImageDecoder.decode(contentsOf: url)
        }
    }

    @Test func everyPrefixOfAJPEGAndAPNGFailsCleanly() throws {
        // Cut a small JPEG and PNG at many lengths: each one either decodes or throws.
        for file in ["gray1.png", "orientation3.jpg", "palette4_trns.png"] {
            let data = try Data(contentsOf: Fixtures.url(file))
            for length in stride(from: 0, to: data.count, by: max(1, data.count / 97)) {
                do {
                    _ = try ImageDecoder.decode(data.prefix(length), name: file)
                } catch is VisionError {
                    continue
                }
            }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        var random = SeededRandom(seed: 20_240_505)
        // A flipped size byte may claim a large image; keep the fuzz cheap.
        let options = ImageDecoder.Options(maxPixels: 1 << 20)
        for file in ["orientation3.jpg", "gray1.png", "rgb8_interlaced.png"] {
            let original = [UInt8](try Data(contentsOf: Fixtures.url(file)))
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<4 {
                    bytes[Int.random(in: 2..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                _ = try? bytes.withUnsafeBytes { try ImageDecoder.decode($0, name: file, options: options) }
            }
        }
    }
}
