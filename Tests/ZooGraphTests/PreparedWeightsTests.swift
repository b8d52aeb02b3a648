import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Weights a kernel re-lays out (Winograd's transform, bf16 panels) are made by the first run
/// that reads them, once per executor, and never by making a plan (`zoo info` only plans).
@Suite struct PreparedWeightsTests {
    @Test func planningMakesNoWeightsAndTheFirstRunMakesThemOnce() throws {
        let graph = try ExecutorKernelPathsTests.graph()
        var kernels = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512)
        if CPUFeatures.avx512BF16 { kernels.precision = .bf16 }
        let executor = Executor(graph: graph, threads: 2, kernels: kernels)
        // Winograd's 3x3 conv, and with bf16 the pointwise, strided and dense layers.
        let expected = (executor.kernels.winograd == .avx512 ? 1 : 0) + (executor.kernels.precision == .bf16 ? 3 : 0)
        try #require(expected > 0, "this CPU runs neither Winograd nor bf16: nothing to prepare")
        _ = try executor.plan(batch: 1)
        _ = try executor.plan(batch: 3)
        #expect(executor.preparedWeights.madeCount == 0)

        var f = TensorFactory(seed: 21)
        let first = try executor.run(["x": f.uniform([1, 28, 28, 16])])["logits"]!.floats
        #expect(executor.preparedWeights.madeCount == expected)
        let x3 = f.uniform([3, 28, 28, 16])
        _ = try executor.run(["x": x3])
        #expect(executor.preparedWeights.madeCount == expected)
        // Made lazily or not, the answer is the same as a fresh executor's.
        let again = try Executor(graph: graph, threads: 2, kernels: kernels).run(["x": x3])["logits"]!.floats
        #expect(try executor.run(["x": x3])["logits"]!.floats == again && first.count == 37)
    }

    /// A 7x7-map conv at fp32 on AVX-512 reads its weights as fp32 panels; weights stored as bf16
    /// panels (a `--bf16` file) are widened for the packing and nothing else is kept: the bits of
    /// the same weights rounded to bf16 and stored as float32, and one prepared weight, not two.
    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512Here)"))
    func bf16WeightsOfASmallMapBecomeFP32PanelsOnly() throws {
        var f = TensorFactory(seed: 23)
        let weights = f.uniform([3, 3, 40, 70], -0.2...0.2), bias = f.uniform([70]), x = f.uniform([2, 7, 7, 40])
        func graph(_ w: Tensor) throws -> Graph {
            var b = GraphBuilder(name: "small-map")
            let input = try b.input("x", shape: [1, 7, 7, 40])
            let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
            b.output(try b.conv2d(input, weights: w, bias: bias,
                                  params: Conv2DParams(kernel: Size2D(3, 3), padding: same, activation: .relu), name: "conv"))
            return b.build()
        }
        let layout = try #require(BF16PanelLayout(depth: 3 * 3 * 40, groupColumns: 70, groups: 1))
        let kernels = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512)
        let fromPanels = Executor(graph: try graph(weights.packedAsBF16Panels(layout)), threads: 2, kernels: kernels)
        let rounded = Executor(graph: try graph(weights.converted(to: .bfloat16).converted(to: .float32)), threads: 2, kernels: kernels)
        let a = try fromPanels.run(["x": x])["conv"]!.floats, b = try rounded.run(["x": x])["conv"]!.floats
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(fromPanels.preparedWeights.madeCount == 1, "the fp32 panels only, no widened copy")
    }
}

private let noAVX512Here = "this CPU has no AVX-512: the fp32 panels cannot run here"
