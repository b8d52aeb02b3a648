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

    /// A legacy-layout checkpoint whose state-dict pickle is `root` (protocol 2, ending in STOP).
    func legacy(_ root: [UInt8]) -> [UInt8] {
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let protocolVersion: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]     // 1001
        let systemInfo: [UInt8] = [0x80, 0x02, 0x7D, 0x2E]                       // {}
        return magic + protocolVersion + systemInfo + [0x80, 0x02] + root + [0x2E]
    }

    func expectRefused(_ root: [UInt8], saying text: String) {
        #expect { try load(legacy(root)) } throws: { ($0 as? CheckpointError)?.detail.contains(text) == true }
    }

    /// A dict recalled from the memo and stored into itself made a reference cycle: ARC leaked
    /// it on every load (LeakSanitizer) and walking it for storages would never have ended.
    @Test func dictStoredInsideItself() {
        expectRefused([0x7D, 0x71, 0x00, 0x68, 0x00, 0x68, 0x00, 0x73], saying: "recalls a dict")  // d[d] = d
    }

    /// Shared tuples, (t, t) of (t, t) of ..., describe a tree exponentially larger than the file.
    @Test func sharedTuple() {
        expectRefused([0x29, 0x71, 0x00, 0x68, 0x00, 0x68, 0x00, 0x86], saying: "recalls a tuple")
    }

    /// 300,000 nested tuples or lists overflowed the stack when they were released.
    @Test func deepNesting() {
        let n = 300_000
        expectRefused([0x29] + [UInt8](repeating: 0x85, count: n), saying: "nest more than")  // ((((),),),)...
        expectRefused([UInt8](repeating: 0x5D, count: n) + [UInt8](repeating: 0x61, count: n - 1), saying: "nest more than")
    }

    @Test func zipSignatureAlone() throws {
        #expect { try load([0x50, 0x4B, 0x03, 0x04]) } throws: {
            ($0 as? CheckpointError)?.detail.contains("zip archive") == true
        }
    }
}
