import Foundation
import Testing
import ZooGraph
@testable import ZooImport
import ZooHDF5
import ZooModels
import ZooTensor
import ZooTestSupport

/// Keras 3 weights-only files (`model.save_weights("m.weights.h5")`), made by
/// tools/keras/make_keras3_weights.py.
@Suite struct Keras3WeightsTests {
    @Test func recognisesMobileNetV2AndMatchesKeras() throws {
        let url = try KerasFixtures.url("mobilenetv2_035_96.weights.h5")
        let config = try KerasImporter.recognizeArchitecture(at: url)
        #expect(config.architecture == .mobileNetV2)
        #expect(config.alpha == 0.35)
        #expect(config.classes == 16)
        // The file says nothing about the input size: 96 comes from the references' --arch.
        let reference = try #require(try KerasFixtures.references()["mobilenetv2_035_96.weights.h5"])
        let graph = try KerasImporter.importGraph(from: url, architecture: reference.architecture)
        let output = try KerasFixtures.run(graph, reference: reference)
        let error = relativeL2(output.floats, try KerasFixtures.floats(reference.output))
        #expect(error <= 1e-4, "relative L2 error \(error)")
        #expect(KerasFixtures.top1(output.floats, rows: reference.output_shape[0]) == reference.top1)
    }

    static let layouts: [(file: String, arch: String)] = [
        ("vgg16", "vgg16_224"), ("vgg19", "vgg19_224"), ("resnet50", "resnet50_224"), ("resnet101", "resnet101_224"),
        ("resnet152", "resnet152_224"), ("mobilenetv2_1.0_224", "mobilenetv2_1.0_224"),
        ("mobilenetv2_0.35_96_notop", "mobilenetv2_0.35_224_notop"),
    ]

    /// Every zoo architecture as Keras 3 lays it out, with and without recorded layer names:
    /// recognised, and each layer paired with the group Keras wrote it to.
    @Test(arguments: layouts.map(\.file))
    func recognisesEveryArchitecture(_ name: String) throws {
        let expected = try #require(Self.layouts.first { $0.file == name }?.arch)
        let named = try KerasFixtures.url("keras3_layout/\(name).weights.h5")
        let nameless = try KerasFixtures.url("keras3_layout/\(name).nameless.weights.h5")
        let config = try KerasImporter.recognizeArchitecture(at: named)
        #expect(try ArchitectureConfig(parsing: expected).description == config.description)
        #expect(try KerasImporter.recognizeArchitecture(at: nameless).description == config.description)
        // Keras' recorded names say which group is which layer; the nameless file must pair the same way.
        let byName = try Self.storedWeightPaths(at: named, architecture: config.description)
        let byOrder = try Self.storedWeightPaths(at: nameless, architecture: config.description)
        #expect(byName.count == (try config.weightsSpec().layers.count))
        #expect(byName == byOrder)
    }

    @Test func refusesAnotherArchitecture() throws {
        let url = try KerasFixtures.url("keras3_layout/vgg16.weights.h5")
        #expect(throws: ImportError.self) { try Self.storedWeightPaths(at: url, architecture: "vgg19") }
    }

    /// Where each layer's weights were found: layer name -> dataset paths.
    static func storedWeightPaths(at url: URL, architecture: String) throws -> [String: [String]] {
        let file = try HDF5File(path: url.path)
        let layout = try Keras3WeightsLayout(root: file.root, file: url)
        let (config, layers) = try KerasImporter.resolveArchitecture(architecture, file: url, stored: KerasImporter.keras3Stored(layout))
        let matched = try KerasWeightsMatcher.match(config.weightsSpec(), stored: layers, file: url, what: architecture)
        return matched.mapValues { $0.map { "\($0.group.path)/\($0.path)" } }
    }
}
