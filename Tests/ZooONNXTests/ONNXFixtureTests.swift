import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// Models exported by tools/onnx/make_fixtures.py, against onnxruntime's outputs.
@Suite struct ONNXFixtureTests {
    static let architectures = ["resnet18", "resnet50", "vgg16", "vgg19", "mobilenet_v2"]
    static let opsets = [9, 13, 17]

    /// torchvision architectures at reduced widths: relative L2 <= 1e-4 and the same top-1.
    /// The input is a batch of 2, while the files declare a symbolic batch (1 in the graph).
    @Test(arguments: architectures, opsets)
    func torchvision(_ arch: String, _ opset: Int) throws {
        try Self.checkTorchvision(arch, opset, optimise: false)
    }

    /// The same after GraphOptimizer (BN folding, residual and activation fusion), as `zoo` runs them.
    @Test(arguments: architectures, opsets)
    func torchvisionOptimised(_ arch: String, _ opset: Int) throws {
        try Self.checkTorchvision(arch, opset, optimise: true)
    }

    static func checkTorchvision(_ arch: String, _ opset: Int, optimise: Bool) throws {
        let name = "tv_\(arch)_op\(opset)"
        let imported = try ONNXImporter.importGraph(from: ONNXTestSupport.fixture(name + ".onnx"))
        let input = imported.values[imported.inputs[0]]
        #expect(input.name == "input" && input.shape == [1, 3, 64, 64])
        let graph = optimise ? GraphOptimizer.optimize(imported) : imported
        let expected = try ONNXImporter.readTensor(from: ONNXTestSupport.fixture(name + "_output.pb"))
        let y = try ONNXTestSupport.runSingle(graph, input: "input", ONNXTestSupport.fixtureInput([2, 3, 64, 64]))
        #expect(y.shape == expected.shape)
        let error = relativeL2(y.floats, expected.floats)
        let label = "\(name)\(optimise ? " (optimised)" : "")"
        print("\(label): relative L2 \(error)")
        #expect(error <= 1e-4, "\(label): relative L2 \(error)")
        #expect(ONNXTestSupport.top1(y) == ONNXTestSupport.top1(expected), "\(label): top-1 differs")
    }

    /// Hand-written graphs (see make_fixtures.py): old opsets, IR 3 initializers-as-inputs,
    /// every TensorProto data field, external data, layout-sensitive ops.
    @Test(arguments: ["softmax_nchw_op11", "softmax_nchw_op13", "layout_mix_op10", "layout_mix_op13",
                      "initializer_forms_ir3", "external/model"])
    func handWritten(_ name: String) throws {
        let graph = try ONNXImporter.importGraph(from: ONNXTestSupport.fixture(name + ".onnx"))
        let x = try ONNXImporter.readTensor(from: ONNXTestSupport.fixture(name + "_input.pb"))
        let expected = try ONNXImporter.readTensor(from: ONNXTestSupport.fixture(name + "_output.pb"))
        for g in [graph, GraphOptimizer.optimize(graph)] {
            let y = try ONNXTestSupport.runSingle(g, input: "x", x)
            #expect(y.shape == expected.shape)
            let problem = ONNXTestSupport.mismatch(y.floats, expected.floats)
            #expect(problem == nil, "\(name): \(problem ?? "")")
        }
    }

    /// The graph declares the model's own NCHW input and transposes it once to NHWC; the
    /// classifier reads the NHWC flatten directly (its weight rows permuted at import), whether
    /// the file flattens with Flatten (vgg16) or with the Shape/Gather/Concat/Reshape chain (vgg19).
    @Test(arguments: ["tv_vgg16_op13", "tv_vgg19_op9", "tv_vgg19_op13"])
    func nchwInterface(_ name: String) throws {
        let graph = try ONNXImporter.importGraph(from: ONNXTestSupport.fixture(name + ".onnx"))
        #expect(graph.outputs.map(\.name) == ["logits"])
        #expect(graph.values[graph.outputs[0].value].shape == [1, 10])
        let transposes = graph.nodes.filter { if case .transpose = $0.op { true } else { false } }
        #expect(transposes.count == 1, "one NCHW -> NHWC transpose at the input, found \(transposes.map(\.name))")
    }
}
