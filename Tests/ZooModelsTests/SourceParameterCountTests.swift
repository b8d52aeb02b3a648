import Testing
import ZooGraph
import ZooModels
import ZooTensor

/// `zoo info`'s parameter total, counted on the built graph before batch-norm folding, equals
/// Keras' `summary()`. (VGG16, 138,357,544, is left out: half a gigabyte of weights to build.)
@Suite struct SourceParameterCountTests {
    @Test(arguments: [(Architecture.resnet50, 25_636_712), (.mobileNetV2, 3_538_984)])
    func graphCountEqualsKeras(_ architecture: Architecture, expected: Int) throws {
        let config = ArchitectureConfig(architecture)
        var weights: [String: [Tensor]] = [:]
        // Non-zero weights: all-zero biases are taken for the importers' stand-ins.
        for layer in try config.weightsSpec().layers {
            weights[layer.name] = layer.weights.map { Tensor(shape: $0.shape, floats: [Float](repeating: 0.5, count: $0.shape.elementCount)) }
        }
        let graph = try config.graph(weights: weights)
        #expect(graph.sourceParameterCount(countsRunningStatistics: true) == expected)
    }
}
