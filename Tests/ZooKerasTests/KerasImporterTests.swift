import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// Every fixture model against the outputs Keras computed for it.
@Suite struct KerasImporterTests {
    static let models = [
        "mobilenetv2_035_96_weights.h5", "mobilenetv2_035_96_weights_keras1.h5", "mobilenetv2_035_96_full.h5",
        "mobilenetv2_035_96.keras", "all_layers_k3.h5", "all_layers_k3.keras", "all_layers_k3_deflated.keras",
        "all_layers_k2.h5", "residual_k3.h5", "residual_k3.keras", "sequential_k3.h5", "sequential_k3.keras",
        "sequential_k2.h5",
    ]

    @Test(arguments: models)
    func matchesKeras(_ name: String) throws {
        let reference = try #require(try KerasFixtures.references()[name])
        let graph = try KerasImporter.importGraph(from: KerasFixtures.url(name), architecture: reference.architecture)
        let output = try KerasFixtures.run(graph, reference: reference)
        #expect(output.shape == Shape(reference.output_shape))
        let expected = try KerasFixtures.floats(reference.output)
        let error = relativeL2(output.floats, expected)
        #expect(error <= 1e-4, "\(name): relative L2 error \(error)")
        #expect(KerasFixtures.top1(output.floats, rows: reference.output_shape[0]) == reference.top1)
    }

    @Test func recognisesMobileNetV2FromWeights() throws {
        let url = try KerasFixtures.url("mobilenetv2_035_96_weights.h5")
        let config = try KerasImporter.recognizeArchitecture(at: url)
        #expect(config.architecture == .mobileNetV2)
        #expect(config.alpha == 0.35)
        #expect(config.classes == 16)
        // Without --arch the input size defaults to 224; the weights are the same at every size.
        let graph = try KerasImporter.importGraph(from: url)
        #expect(graph.values[graph.inputs[0]].shape == [1, 224, 224, 3])
        #expect(graph.outputs.map(\.name) == ["predictions"])
    }

    @Test func keepsKerasNamesAndLayout() throws {
        let graph = try KerasImporter.importGraph(from: KerasFixtures.url("all_layers_k3.keras"))
        #expect(graph.values[graph.inputs[0]].name == "image")
        #expect(graph.values[graph.inputs[0]].shape == [1, 12, 12, 3])
        #expect(graph.outputs.map(\.name) == ["predictions"])
        #expect(graph.value(named: "dw/kernel").map { graph.values[$0].shape } == [3, 3, 1, 16])
    }
}
