import Foundation
import Testing
import ZooPyTorch
import ZooTensor

@Suite struct TorchCheckpointTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    /// Names, shapes, dtypes and values written by tools/pytorch/make_fixtures.py.
    struct Expected: Decodable {
        var shape: [Int]
        var values: [Float]
        var dtype: String
    }

    func expectMatchesFixture(_ checkpoint: TorchCheckpoint) throws {
        let expected = try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: fixture("expected.json")))
        #expect(checkpoint.tensors.map(\.name) == ["features.0.weight", "features.1.weight", "classifier.weight", "half.weight"],
                "file order kept, num_batches_tracked dropped")
        for (name, e) in expected {
            guard let t = checkpoint[name] else { Issue.record("\(name) missing"); continue }
            #expect(t.shape.dims == e.shape, "\(name)")
            #expect(t.dtype.rawValue == e.dtype, "\(name)")
            #expect(t.floats == e.values, "\(name)")
        }
    }

    @Test func readsZipLayout() throws {
        try expectMatchesFixture(try TorchCheckpoint.load(fixture("tiny_zip.pth")))
    }

    @Test func readsLegacyLayout() throws {
        try expectMatchesFixture(try TorchCheckpoint.load(fixture("tiny_legacy.pth")))
    }

    @Test func unwrapsTrainingCheckpointsAndDataParallelPrefixes() throws {
        try expectMatchesFixture(try TorchCheckpoint.load(fixture("wrapped_dataparallel.pth")))
    }

    @Test(arguments: [
        ("evil_system.pth", "posix.system"),
        ("evil_eval.pth", "builtins.eval"),
        ("short_storage.pth", "needs 8 elements; its storage has 4"),
        ("traversal.pth", "zip entry '../x': path escapes the archive"),
        ("truncated_zip.pth", "zip"),
        ("truncated_legacy.pth", "truncated"),
        ("not_a_checkpoint.pth", "a Git LFS pointer, not the model"),
    ])
    func hostileFilesAreRefusedWithAClearError(name: String, expected: String) throws {
        #expect(throws: CheckpointError.self) { try TorchCheckpoint.load(fixture(name)) }
        do { _ = try TorchCheckpoint.load(fixture(name)) } catch let e as CheckpointError {
            #expect(e.description.hasPrefix(name + ": "), "\(e)")
            #expect(e.description.contains(expected), "\(e)")
        }
    }

    @Test func missingAndEmptyFiles() throws {
        #expect { try TorchCheckpoint.load(fixture("nope.pth")) } throws: { ($0 as? CheckpointError)?.detail == "no such file" }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-empty-\(UUID().uuidString).pth")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect { try TorchCheckpoint.load(empty) } throws: { ($0 as? CheckpointError)?.detail == "empty file" }
        #expect { try TorchCheckpoint.load(Self.fixtures) } throws: { ($0 as? CheckpointError)?.detail.contains("folder") == true }
    }
}
