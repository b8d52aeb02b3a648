import Testing
import ZooGraph
import ZooModels
import ZooTensor

/// The zoo's Keras architectures, built from code (placeholder weights: nothing is computed), at
/// other input sizes: those ending in global pooling are rebuilt for them, VGG with its
/// classifier refuses with the reason.
@Suite struct AnyInputSizeArchitectureTests {
    func specialized(_ arch: String, _ h: Int, _ w: Int) throws -> Graph {
        let graph = try ArchitectureConfig(parsing: arch).skeletonGraph().acceptingAnyInputSize(model: arch)
        let input = graph.values[graph.inputs[0]].name
        let specializer = try #require(graph.specializer)
        return try specializer.specialized(for: [input: Tensor(zeros: [1, h, w, 3])])
    }

    @Test(arguments: ["resnet50_notop_avg", "mobilenetv2_1.0_224", "mobilenetv2_0.35_96", "vgg16_notop_max"])
    func poolingNetworksTakeOtherSizes(_ arch: String) throws {
        let graph = try specialized(arch, 161, 199)
        let output = graph.values[graph.outputs[0].value].shape
        #expect(output.rank == 2 && output[0] == 1, "\(arch): \(output)")
        #expect(graph.values[graph.inputs[0]].shape == [1, 161, 199, 3])
    }

    @Test func vgg16WithItsClassifierTakesItsOwnSizeOnly() throws {
        #expect(throws: InputSizeError.fixedSize(model: "vgg16", size: "224x224", reason: "its Flatten ('flatten') feeds a Dense layer")) {
            try specialized("vgg16", 161, 199)
        }
        #expect("\(InputSizeError.fixedSize(model: "vgg16", size: "224x224", reason: "its Flatten ('flatten') feeds a Dense layer"))"
                == "vgg16 takes 224x224 inputs only: its Flatten ('flatten') feeds a Dense layer")
    }

    /// Five 2x2 max pools halve 16 to 1 before the last one, which has no window left.
    @Test func tooSmallForVGG16() throws {
        #expect(try specialized("vgg16_notop_max", 32, 32).values.count > 0)
        do {
            _ = try specialized("vgg16_notop_max", 16, 16)
            Issue.record("vgg16 specialized for 16x16")
        } catch let error as InputSizeError {
            #expect("\(error)".hasPrefix("vgg16_notop_max: a 16x16 input is too small for this network: node 'block5_pool' (MaxPool2D): "), "\(error)")
        }
    }
}
