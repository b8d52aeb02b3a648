import Foundation
import Testing
import Zoo
import ZooGraph
import ZooTensor
import ZooTestSupport

/// CAM and Grad-CAM of a small torchvision-layout ResNet (tools/explain/make_fixtures.py)
/// against NumPy's CAM and pytorch-grad-cam's raw Grad-CAM maps.
@Suite struct ActivationMapFixtureTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/explain")

    func load(_ name: String) throws -> Tensor { try NPY.read(contentsOf: Self.folder.appendingPathComponent(name)) }

    func mapper() throws -> (ActivationMapper, Tensor) {
        let graph = try Zoo.loadGraph(Self.folder.appendingPathComponent("tiny_resnet.onnx").path)
        return (try ActivationMapper(graph: graph, threads: 1), try load("input.npy"))
    }

    @Test func camMatchesNumPy() throws {
        let (mapper, input) = try mapper()
        #expect(mapper.defaultMethod() == .cam)
        let map = try mapper.map(input)
        #expect(map.classIndex == 8 && map.method == .cam)
        let expected = try load("cam_layer4.npy")
        #expect([map.height, map.width] == expected.shape.dims)
        let error = relativeL2(map.values, expected.floats)
        #expect(error <= 1e-5, "CAM relative L2 \(error)")
    }

    @Test func gradCAMMatchesPytorchGradCAM() throws {
        let (mapper, input) = try mapper()
        let last = try mapper.map(input, method: .gradcam)
        let expected = try load("gradcam_layer4.npy")
        let error = relativeL2(last.values, expected.floats)
        #expect(error <= 1e-4, "Grad-CAM at \(last.layer): relative L2 \(error)")

        // layer3's output: the last spatial layer with 7x7 maps.
        let layers = try mapper.spatialLayers()
        let shapes = try mapper.graph.shapes(batch: 1)
        let layer3 = try #require(layers.last { shapes[mapper.graph.value(named: $0)!][1] == 7 })
        let inner = try mapper.map(input, classIndex: 1, layer: layer3)
        #expect(inner.method == .gradcam)
        let expectedInner = try load("gradcam_layer3.npy")
        #expect([inner.height, inner.width] == expectedInner.shape.dims)
        let innerError = relativeL2(inner.values, expectedInner.floats)
        #expect(innerError <= 1e-4, "Grad-CAM at \(layer3) class 1: relative L2 \(innerError)")
    }

    @Test func badRequestsAreErrors() throws {
        let (mapper, input) = try mapper()
        #expect(throws: GraphError.self) { try mapper.map(input, classIndex: 10) }
        #expect(throws: GraphError.self) { try mapper.map(input, layer: "no such layer") }
        let layer = try mapper.spatialLayers()[0]
        #expect(throws: GraphError.self) { try mapper.map(input, method: .cam, layer: layer) }
    }
}
