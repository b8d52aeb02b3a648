import Foundation
import Testing
import ZooHDF5
import ZooImport

/// Variable-length strings live in global heap collections, and libhdf5 1.10 trusts the object
/// sizes in one: tools/fuzz found files on which it loops forever (an object of size 0) or reads
/// past the collection. Such files are refused when they are opened, before any string is read.
@Suite struct HDF5GlobalHeapTests {
    /// `sequential_k2.h5` (Keras 2 full model, names as variable-length strings) with the header
    /// of the first object in its first global heap collection overwritten.
    func patchedFixture(index: UInt16, size: UInt64) throws -> [UInt8] {
        var bytes = [UInt8](try Data(contentsOf: KerasFixtures.url("sequential_k2.h5")))
        let signature = Array("GCOL".utf8) + [1, 0, 0, 0]
        let start = try #require((0..<bytes.count - 8).first { Array(bytes[$0..<$0 + 8]) == signature })
        let object = start + 16  // after signature, version, reserved bytes and the 8-byte collection size
        bytes[object] = UInt8(index & 0xFF)
        bytes[object + 1] = UInt8(index >> 8)
        for i in 0..<8 { bytes[object + 8 + i] = UInt8(truncatingIfNeeded: size >> (8 * UInt64(i))) }
        return bytes
    }

    func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-heap-\(UUID().uuidString).h5")
        try Data(bytes).write(to: url)
        return url
    }

    func expectRefused(_ open: () throws -> Void) {
        #expect { try open() } throws: { error in
            (error as? HDF5Error)?.message.contains("global heap collection at byte") == true
        }
    }

    @Test func zeroSizedObjectIsRefusedInsteadOfLoopingForever() throws {
        let url = try write(try patchedFixture(index: 0, size: 0))
        defer { try? FileManager.default.removeItem(at: url) }
        expectRefused { _ = try HDF5File(path: url.path) }
    }

    @Test func objectRunningPastItsCollectionIsRefused() throws {
        let url = try write(try patchedFixture(index: 1, size: 1 << 40))
        defer { try? FileManager.default.removeItem(at: url) }
        expectRefused { _ = try HDF5File(path: url.path) }
    }

    @Test func inMemoryImagesAreCheckedToo() throws {
        let bytes = try patchedFixture(index: 0, size: 0)
        expectRefused { _ = try HDF5File(image: bytes, name: "model.weights.h5") }
    }

    @Test func importerNamesTheFile() throws {
        let url = try write(try patchedFixture(index: 0, size: 0))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try KerasImporter.importGraph(from: url) } throws: { error in
            let text = "\(error)"
            return text.contains(url.lastPathComponent) && text.contains("global heap collection")
        }
    }

    /// Every fixture written by h5py (fixed- and variable-length names, Keras 1 to 3) passes.
    @Test func intactFixturesPass() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: KerasFixtures.directory.path)
        for name in names where name.hasSuffix(".h5") && name != "not_hdf5.h5" && name != "truncated.h5" {
            #expect(throws: Never.self, "\(name)") { _ = try HDF5File(path: try KerasFixtures.url(name).path) }
        }
    }
}
