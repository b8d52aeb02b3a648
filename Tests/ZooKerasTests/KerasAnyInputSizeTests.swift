import Foundation
import Testing
import ZooGraph
@testable import ZooImport
import ZooTensor
import ZooTestSupport

/// Fixtures ending in global pooling run at input sizes other than the one they were saved at,
/// against Keras' `model.predict` at those sizes (tools/keras/make_any_size_references.py).
@Suite struct KerasAnyInputSizeTests {
    struct Reference: Decodable {
        var model: String
        var input_shape: [Int]
        var output: String
        var output_shape: [Int]
        var top1: [Int]
    }

    static func references() throws -> [String: Reference] {
        try JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: KerasFixtures.url("any_size/references.json")))
    }

    /// The input both sides compute: sin(0.37 i + 0.11) over the flat NHWC index.
    static func input(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: Shape(shape), floats: (0..<count).map { Float(sin(0.37 * Double($0) + 0.11)) })
    }

    /// Every Keras form of MobileNetV2: full model (.keras, .h5) and weights-only (Keras 3,
    /// keras-applications), with the file Keras was run on; and the small residual model.
    static let forms: [(file: String, arch: String?, source: String)] = [
        ("mobilenetv2_035_96.keras", nil, "mobilenetv2_035_96.keras"),
        ("mobilenetv2_035_96_full.h5", nil, "mobilenetv2_035_96.keras"),
        ("mobilenetv2_035_96.weights.h5", "mobilenetv2_0.35_96", "mobilenetv2_035_96.keras"),
        ("mobilenetv2_035_96_weights.h5", "mobilenetv2_0.35_96", "mobilenetv2_035_96.keras"),
        ("residual_k3.h5", nil, "residual_k3.keras"),
        // Saved with input shape (None, None, 3): declared at 224x224, run at the sizes given.
        ("any_size/free_size_k3.keras", nil, "free_size_k3.keras"),
    ]

    @Test(arguments: forms.map(\.file))
    func matchesKerasAtOtherSizes(_ file: String) throws {
        let form = try #require(Self.forms.first { $0.file == file })
        let arch = form.arch
        let imported = try KerasImporter.importGraph(from: try KerasFixtures.url(file), architecture: arch)
        let graph = GraphOptimizer.optimize(imported).acceptingAnyInputSize(model: file)
        let executor = Executor(graph: graph, threads: 2)
        let inputName = graph.values[graph.inputs[0]].name
        var sizes = 0
        let declared = graph.values[graph.inputs[0]].shape
        let references = try Self.references().filter { $0.value.model == form.source }.sorted { $0.key < $1.key }
        for (size, reference) in references {
            let output = try #require(try executor.run([inputName: Self.input(reference.input_shape)]).values.first)
            #expect(output.shape.dims == reference.output_shape)
            let error = relativeL2(output.floats, try KerasFixtures.floats("any_size/" + reference.output))
            #expect(error <= 1e-4, "\(file) at \(size): relative L2 error \(error)")
            #expect(KerasFixtures.top1(output.floats, rows: reference.output_shape[0]) == reference.top1)
            if Array(reference.input_shape[1...2]) != Array(declared.dims[1...2]) { sizes += 1 }
            // One specialized plan per new size; the declared size runs the graph as it is.
            #expect(executor.specializationCount == sizes)
        }
        #expect(sizes == references.filter { Array($0.value.input_shape[1...2]) != Array(declared.dims[1...2]) }.count)
        #expect(sizes >= 2)
    }
}
