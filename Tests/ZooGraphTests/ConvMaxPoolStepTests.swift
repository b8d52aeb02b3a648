import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// A plan runs a first layer and the max pool that alone reads it as one step
/// (`PreparedKernel.conv2dMaxPool`): the same bits as the two steps, batched runs included.
@Suite struct ConvMaxPoolStepTests {
    /// stem 7x7 s2 - max pool 3x3 s2 - 3x3 conv - global pool - dense: ResNet in small. With
    /// `stemIsOutput` the stem's output is an output too, so the pool is not its only reader.
    func resNetLike(stemIsOutput: Bool = false) throws -> Graph {
        var f = TensorFactory(seed: 11)
        var b = GraphBuilder(name: "res")
        let x = try b.input("x", shape: [1, 40, 36, 3])
        let stem = try b.conv2d(x, weights: f.uniform([7, 7, 3, 32], -0.2...0.2), bias: f.uniform([32], -0.1...0.1),
                                params: Conv2DParams(kernel: Size2D(7, 7), strides: Size2D(2, 2),
                                                     padding: Padding2D(top: 3, left: 3, bottom: 3, right: 3), activation: .relu),
                                name: "stem")
        var h = try b.add(.pool2d(Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2),
                                               padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))),
                          inputs: [stem], name: "pool")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 32, 16], -0.2...0.2), bias: f.uniform([16], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                                              activation: .relu), name: "conv")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "gap")
        h = try b.dense(h, weights: f.uniform([16, 10], -0.3...0.3), bias: f.uniform([10]), name: "logits")
        b.output(h)
        if stemIsOutput { b.output(stem, name: "stem_out") }
        return b.build()
    }

    @Test(.enabled(if: CPUFeatures.avx512, "this CPU has no AVX-512: the direct kernels cannot run here"),
          arguments: [KernelOptions.Precision.fp32, .bf16])
    func oneStepSameBits(_ precision: KernelOptions.Precision) throws {
        let kernels = kernelsAt(precision)
        let fused = Executor(graph: try resNetLike(), threads: 2, kernels: kernels)
        let separate = Executor(graph: try resNetLike(stemIsOutput: true), threads: 2, kernels: kernels)
        #expect(try fused.plan(batch: 1).steps.count == fused.graph.nodes.count - 1, "stem and pool in one step")
        #expect(try separate.plan(batch: 1).steps.count == separate.graph.nodes.count)
        // At bf16 on AVX512-BF16 the step stores the pooled value as bf16 for the GEMM after it; the
        // separate pool stores float32, which that GEMM rounds to the same bits.
        let pooled = try #require(fused.graph.nodes.first { $0.name == "pool" }).output
        let storesBF16 = kernels.precision == .bf16 && kernels.bf16 == .avx512
        #expect(try fused.plan(batch: 1).bf16Values.contains(pooled) == storesBF16)
        try expectSameBitsAsNodeByNode(fused: fused, separate: separate, image: [1, 40, 36, 3])
    }
}
