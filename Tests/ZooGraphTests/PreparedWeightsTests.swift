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
}
