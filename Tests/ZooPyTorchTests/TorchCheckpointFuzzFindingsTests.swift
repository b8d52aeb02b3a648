import Foundation
import Testing
import ZooPyTorch

/// Inputs that crashed the reader under tools/fuzz, minimized; each must now be an error.
@Suite struct TorchCheckpointFuzzFindingsTests {
    func load(_ bytes: [UInt8]) throws -> TorchCheckpoint {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-fuzz-finding-\(UUID().uuidString).pth")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try TorchCheckpoint.load(url)
    }

    /// A zip local-header signature and nothing else trapped in ZIPFoundation's in-memory
    /// reader (a read range with its end before its start); the file-backed reader refuses it.
    /// torch.save writes ZIP64 records; one whose central directory offset was past 2^63
    /// trapped ZIPFoundation (an off_t conversion). Such values are refused before it reads them.
    @Test func zip64OffsetBeyondAnyFile() throws {
        let fixture = TorchCheckpointTests.fixtures.appendingPathComponent("torchvision/tv-vgg16_zip.pth")
        var bytes = [UInt8](try Data(contentsOf: fixture))
        let record = try #require((0..<bytes.count - 56).last { bytes[$0..<$0 + 4] == [0x50, 0x4B, 0x06, 0x06] })
        for i in 0..<8 { bytes[record + 48 + i] = 0xFF }  // offset of the central directory
        #expect { try load(bytes) } throws: {
            ($0 as? CheckpointError)?.detail.contains("impossible size or offset") == true
        }
    }

    @Test func zipSignatureAlone() throws {
        #expect { try load([0x50, 0x4B, 0x03, 0x04]) } throws: {
            ($0 as? CheckpointError)?.detail.contains("zip archive") == true
        }
    }
}
