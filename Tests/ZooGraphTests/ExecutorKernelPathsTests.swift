import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Executors built with different kernel paths in one process: each runs its own paths (the
/// backend is a value per executor, not a process-wide switch) and all agree with the portable one.
@Suite struct ExecutorKernelPathsTests {
    static let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)

    /// A 3x3 conv big enough for Winograd, a 1x1 conv, a depthwise conv, a strided 3x3 (im2col),
    /// global pooling and a dense layer: every kernel with a path choice.
    static func graph() throws -> Graph {
        var f = TensorFactory(seed: 11)
        var b = GraphBuilder(name: "paths")
        var h = try b.input("x", shape: [1, 28, 28, 16])
        h = try b.conv2d(h, weights: f.uniform([3, 3, 16, 32], -0.2...0.2), bias: f.uniform([32]),
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: same, activation: .relu), name: "winograd")
        h = try b.conv2d(h, weights: f.uniform([1, 1, 32, 48], -0.2...0.2), bias: f.uniform([48]),
                         params: Conv2DParams(kernel: .one, activation: .relu6), name: "pointwise")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 1, 48], -0.3...0.3), bias: f.uniform([48]),
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: same, groups: 48, activation: .relu6),
                         name: "depthwise")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 48, 40], -0.1...0.1), bias: nil,
                         params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: same), name: "strided")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "pool")
        h = try b.dense(h, weights: f.uniform([40, 37], -0.3...0.3), bias: f.uniform([37]), name: "dense")
        b.output(h, name: "logits")
        return b.build()
    }

    static let fp32Paths: [KernelOptions] = [
        .portable,
        KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512),
        KernelOptions(gemm: .avx512, winograd: .off, depthwise: .portable),
        KernelOptions(gemm: .portable, winograd: .avx512, depthwise: .avx512),
    ]

    func run(_ graph: Graph, _ x: Tensor, kernels: KernelOptions) throws -> [Float] {
        let executor = Executor(graph: graph, threads: 2, kernels: kernels)
        #expect(executor.kernels == kernels.runnable)
        return try executor.run(["x": x])["logits"]!.floats
    }

    @Test func everyFP32PathAgreesWithThePortableOne() throws {
        let graph = try Self.graph()
        var f = TensorFactory(seed: 12)
        let x = f.uniform([3, 28, 28, 16])
        let portable = try run(graph, x, kernels: .portable)
        for kernels in Self.fp32Paths where kernels == kernels.runnable {
            let out = try run(graph, x, kernels: kernels)
            #expect(relativeL2(out, portable.map(Double.init)) <= 1e-5, "\(kernels)")
        }
    }

    /// The default path is `KernelOptions.default`, bit for bit.
    @Test func defaultExecutorUsesTheDefaultPaths() throws {
        let graph = try Self.graph()
        var f = TensorFactory(seed: 13)
        let x = f.uniform([2, 28, 28, 16])
        #expect(Executor(graph: graph).kernels == KernelOptions.default)
        let viaDefault = try Executor(graph: graph, threads: 2).run(["x": x])["logits"]!.floats
        #expect(viaDefault.elementsEqual(try run(graph, x, kernels: .default)) { $0.bitPattern == $1.bitPattern })
    }

    /// bf16 runs (its results are not fp32's bits) and stays close to fp32; a second batch size
    /// reuses the packed weights.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "this CPU has no AVX512-BF16: the bf16 GEMM cannot run here"))
    func bf16ExecutorIsCloseToFP32() throws {
        try checkBF16Executor(bf16: .avx512)
    }

    /// The same on the AMX tiles.
    @Test(.enabled(if: CPUFeatures.amxBF16, "this CPU (or OS) has no AMX-BF16 tiles: the AMX GEMM cannot run here"))
    func amxExecutorIsCloseToFP32() throws {
        try checkBF16Executor(bf16: .amx)
    }

    private func checkBF16Executor(bf16 unit: KernelOptions.BF16Path) throws {
        let graph = try Self.graph()
        var f = TensorFactory(seed: 14)
        let bf16 = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16, bf16: unit)
        for batch in [1, 4] {
            let x = f.uniform([batch, 28, 28, 16])
            let exact = try run(graph, x, kernels: .portable)
            let rounded = try run(graph, x, kernels: bf16)
            let error = relativeL2(rounded, exact.map(Double.init))
            #expect(error <= 2e-2 && error > 1e-6, "batch \(batch): bf16 vs fp32 relative L2 \(error)")
        }
    }

    /// Asking for bf16 where the CPU has none runs fp32, and says so.
    @Test func bf16FallsBackToFP32WhereMissing() {
        let asked = KernelOptions(gemm: .portable, winograd: .off, depthwise: .portable, precision: .bf16)
        let executor = Executor(graph: GraphBuilder(name: "empty").build(), kernels: asked)
        #expect(executor.kernels.precision == (CPUFeatures.avx512BF16 ? .bf16 : .fp32))
        #expect((KernelOptions.unavailableNote(requested: asked) != nil) == !CPUFeatures.avx512BF16)
    }
}
