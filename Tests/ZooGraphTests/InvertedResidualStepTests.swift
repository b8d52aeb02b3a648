import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// A plan runs MobileNetV2's blocks as one step each (`PreparedKernel.invertedResidual`): the same
/// bits as layer by layer, batched runs (whose image prefix must end between steps) included.
@Suite struct InvertedResidualStepTests {
    /// stem - [depthwise, project] - [expand, depthwise, project + residual] - [expand, depthwise s2,
    /// project] - global pool - dense: MobileNetV2 in small. The first two blocks' maps are 26x22
    /// (fused), the last one's 13x11 (layer by layer). With `wideAreOutputs` the expanded and
    /// depthwise values are outputs too, so no block fuses.
    func mobileNetLike(wideAreOutputs: Bool = false) throws -> Graph {
        var f = TensorFactory(seed: 7)
        var b = GraphBuilder(name: "mbv2")
        let pad1 = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
        func conv(_ x: ValueID, _ kernel: Int, _ inC: Int, _ outC: Int, stride: Int = 1, depthwise: Bool = false,
                  activation: Activation = .relu6, residual: ValueID? = nil, _ name: String) throws -> ValueID {
            let params = Conv2DParams(kernel: Size2D(kernel, kernel), strides: Size2D(stride, stride),
                                      padding: kernel == 3 ? pad1 : .zero, groups: depthwise ? inC : 1, activation: activation)
            let w = try b.constant(name + "/kernel", f.uniform([kernel, kernel, depthwise ? 1 : inC, outC], -0.3...0.3))
            let bias = try b.constant(name + "/bias", f.uniform([outC], -0.1...0.1))
            let out = try b.add(.conv2d(params), inputs: [x, w, bias] + (residual.map { [$0] } ?? []), name: name)
            if wideAreOutputs && (name.hasSuffix("expand") || name.hasSuffix("dw")) { b.output(out, name: name + "_out") }
            return out
        }
        let x = try b.input("x", shape: [1, 26, 22, 3])
        var h = try conv(x, 3, 3, 16, "stem")
        h = try conv(h, 3, 16, 16, depthwise: true, "b0/dw")
        h = try conv(h, 1, 16, 16, activation: .none, "b0/project")
        let blockInput = h
        h = try conv(h, 1, 16, 64, "b1/expand")
        h = try conv(h, 3, 64, 64, depthwise: true, "b1/dw")
        h = try conv(h, 1, 64, 16, activation: .none, residual: blockInput, "b1/project")
        h = try conv(h, 1, 16, 48, "b2/expand")
        h = try conv(h, 3, 48, 48, stride: 2, depthwise: true, "b2/dw")
        h = try conv(h, 1, 48, 24, activation: .none, "b2/project")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "gap")
        h = try b.dense(h, weights: f.uniform([24, 10], -0.3...0.3), bias: f.uniform([10]), name: "logits")
        b.output(h)
        return b.build()
    }

    @Test(.enabled(if: CPUFeatures.avx512, "this CPU has no AVX-512: the fused block runs the AVX-512 kernels only"),
          arguments: [KernelOptions.Precision.fp32, .bf16])
    func oneStepPerBlockSameBits(_ precision: KernelOptions.Precision) throws {
        let kernels = kernelsAt(precision)
        let fused = Executor(graph: try mobileNetLike(), threads: 2, kernels: kernels)
        let separate = Executor(graph: try mobileNetLike(wideAreOutputs: true), threads: 2, kernels: kernels)
        let steps = try fused.plan(batch: 1).steps
        #expect(steps.count == fused.graph.nodes.count - 3, "a step for [dw, project] and one for [expand, dw, project]")
        #expect(steps.map { fused.graph.nodes[$0.lastNode].name }.contains("b1/project"))
        #expect(try separate.plan(batch: 1).steps.count == separate.graph.nodes.count)
        let b1 = try #require(fused.graph.nodes.firstIndex { $0.name == "b1/expand" })
        #expect(try fused.stepNodes(batch: 4).contains(b1...(b1 + 2)), "what the profile reports")
        try expectSameBitsAsNodeByNode(fused: fused, separate: separate, image: [1, 26, 22, 3])
    }

    /// The image prefix ends where a step starts: were the last block's nodes and the pool after
    /// it one step, the prefix would end before that block, not after its expansion or projection.
    @Test func imagePrefixEndsBetweenSteps() throws {
        let g = try mobileNetLike()
        let b2 = try #require(g.nodes.firstIndex { $0.name == "b2/expand" })
        let longest = try #require(ImagePrefix.find(in: g))
        #expect(g.nodes[longest.steps - 1].name == "b2/project")
        let cut = try #require(ImagePrefix.find(in: g) { !((b2 + 1)...(b2 + 3)).contains($0) })
        #expect(g.nodes[cut.steps - 1].name == "b1/project")
    }
}
