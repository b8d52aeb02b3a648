import Foundation
import Testing
import ZooCatalog

/// The catalog compiled into the binary is the zoo folder, byte for byte: the JSON files stay
/// the one source of truth and the build plugin adds, drops and changes nothing.
@Suite struct CatalogEmbeddingTests {
    static let zoo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo")

    @Test func everyManifestFileIsCompiledInUnchanged() throws {
        let folder = Self.zoo.appendingPathComponent("manifests")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(!names.isEmpty)
        #expect(Set(Catalog.manifestData.keys) == Set(names.map { String($0.dropLast(5)) }))
        for name in names {
            let onDisk = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(Catalog.manifestData[String(name.dropLast(5))] == onDisk, "\(name)")
        }
    }

    @Test func labelFilesAreCompiledInUnchanged() throws {
        let onDisk = try Data(contentsOf: Self.zoo.appendingPathComponent("imagenet_classes.json"))
        #expect(Catalog.labelsData(named: "imagenet_classes.json") == onDisk)
        #expect(Catalog.labelsData(named: "no-such-labels.json") == nil)
    }
}
