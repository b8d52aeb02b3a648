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
    @Test func zipSignatureAlone() throws {
        #expect { try load([0x50, 0x4B, 0x03, 0x04]) } throws: {
            ($0 as? CheckpointError)?.detail.contains("zip archive") == true
        }
    }
}
