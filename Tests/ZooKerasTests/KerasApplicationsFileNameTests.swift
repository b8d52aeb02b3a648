import Foundation
import Testing
import ZooImport
import ZooModels

/// The input size and variant of keras.applications' official weights files, from their names.
@Suite struct KerasApplicationsFileNameTests {
    @Test(arguments: [
        ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5", "mobilenetv2_0.35_96"),
        ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224.h5", "mobilenetv2_1.4_224"),
        ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160_no_top.h5", "mobilenetv2_0.5_160_notop"),
        ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "vgg16"),
        ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "vgg19_notop"),
        ("resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5", "resnet152_notop"),
    ])
    func parsesOfficialNames(_ file: String, _ arch: String) throws {
        let parsed = try #require(KerasApplicationsFileName.architecture(fromFileName: file))
        #expect(parsed == (try ArchitectureConfig(parsing: arch)))
    }

    @Test(arguments: ["m.weights.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35.h5",
                      "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96 (1).h5", "vgg16_weights_tf_dim_ordering_tf_kernels_x.h5",
                      "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_8.h5", "alexnet_weights_tf_dim_ordering_tf_kernels.h5"])
    func ignoresOtherNames(_ file: String) {
        #expect(KerasApplicationsFileName.architecture(fromFileName: file) == nil)
    }

    /// The official 0.35/96 file, recognised without --arch, runs at 96x96 and matches Keras.
    @Test func officialNameSetsTheInputSize() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-kerasname-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let official = folder.appendingPathComponent("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5")
        try FileManager.default.copyItem(at: KerasFixtures.url("mobilenetv2_035_96_weights.h5"), to: official)
        let config = try KerasImporter.recognizeArchitecture(at: official)
        #expect(config.description == "mobilenetv2_0.35_96")
        let reference = try #require(try KerasFixtures.references()["mobilenetv2_035_96_weights.h5"])
        let graph = try KerasImporter.importGraph(from: official)
        #expect(graph.values[graph.inputs[0]].shape == [1, 96, 96, 3])
        let output = try KerasFixtures.run(graph, reference: reference)
        #expect(KerasFixtures.top1(output.floats, rows: reference.output_shape[0]) == reference.top1)
    }
}
