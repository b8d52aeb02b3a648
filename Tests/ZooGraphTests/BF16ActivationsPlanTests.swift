import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Which values a bf16 plan stores as bf16 between layers (`ExecutionPlan.storeActivationsAsBF16`)
/// and that a run with them stays a bf16 run: close to fp32, each image's bits batched or alone.
@Suite struct BF16ActivationsPlanTests {
    static let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
    static let avx512BF16 = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16, bf16: .avx512)

    /// stem 3x3 - two bottleneck blocks (1x1, 3x3, 1x1 plus a residual: a 1x1 projection in the
    /// first; the second's 3x3 by Winograd) - a stride-2 block (3x3 s2, 1x1 s2 projection) - a 1x1
    /// heavier than the image prefix's weight budget - global pool - dense: ResNet-50 in small.
    static func graph() throws -> Graph {
        var f = TensorFactory(seed: 21)
        var b = GraphBuilder(name: "bottlenecks")
        let x = try b.input("x", shape: [1, 28, 28, 8])
        func conv(_ h: ValueID, _ k: Int, _ inC: Int, _ outC: Int, stride: Int = 1, act: Activation = .relu,
                  _ name: String) throws -> ValueID {
            try b.conv2d(h, weights: f.uniform([k, k, inC, outC], -0.4...0.4), bias: f.uniform([outC], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(k, k), strides: Size2D(stride, stride),
                                              padding: k == 3 ? Self.same : .zero, activation: act), name: name)
        }
        func block(_ h: ValueID, _ inC: Int, _ width: Int, _ outC: Int, stride: Int, _ name: String) throws -> ValueID {
            var y = try conv(h, 1, inC, width, "\(name)/conv1")
            y = try conv(y, 3, width, width, stride: stride, "\(name)/conv2")
            y = try conv(y, 1, width, outC, act: .none, "\(name)/conv3")
            let shortcut = inC == outC && stride == 1 ? h : try conv(h, 1, inC, outC, stride: stride, act: .none, "\(name)/down")
            let sum = try b.add(.binary(.add), inputs: [y, shortcut], name: "\(name)/add")
            return try b.add(.activation(.relu), inputs: [sum], name: "\(name)/relu")
        }
        var h = try conv(x, 3, 8, 16, "stem")
        h = try block(h, 16, 8, 32, stride: 1, "a")
        h = try block(h, 32, 16, 32, stride: 1, "b")
        h = try block(h, 32, 16, 64, stride: 2, "c")
        let heavy = ImagePrefix.weightBudget / 2 / 64 + 32
        h = try conv(h, 1, 64, heavy, "heavy")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "pool")
        h = try b.dense(h, weights: f.uniform([heavy, 10], -0.05...0.05), bias: f.uniform([10]), name: "logits")
        b.output(h)
        return GraphOptimizer.optimize(b.build())
    }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "this CPU has no AVX512-BF16: the bf16 GEMM cannot run here"))
    func storesWhatOnlyBF16GEMMsRead() throws {
        let graph = try Self.graph()
        let plan = try Executor(graph: graph, threads: 2, kernels: Self.avx512BF16).plan(batch: 1)
        let stored = Set(plan.bf16Values.map { graph.values[$0].name })
        let convs = graph.nodes.filter { if case .conv2d = $0.op { true } else { false } }
        let winograd = try #require(convs.first { $0.name == "b/conv2" })
        #expect(plan.steps.contains { if case .winogradConv2d = $0.kernel { $0.output == winograd.output } else { false } })
        // Every convolution's output, Winograd's included, but the heavy one's (the global pool reads it).
        #expect(stored == Set(convs.dropLast().map { graph.values[$0.output].name }), "\(stored.sorted())")
        #expect(plan.bf16Values.isSuperset(of: [winograd.inputs[0], winograd.output]))
        // What `zoo bench` counts a value at: 2 bytes an element where stored as bf16, 4 elsewhere.
        for id in graph.values.indices where graph.values[id].constant == nil {
            #expect(plan.storedBytes(id) == plan.shapes[id].elementCount * (plan.bf16Values.contains(id) ? 2 : 4))
        }
        #expect(plan.storedBytes(winograd.output) == plan.shapes[winograd.output].elementCount * 2)
        // fp32, and the AMX kernel where this CPU has it (elsewhere its options run AVX512-BF16).
        var float32Only = [kernelsAt(.fp32)]
        if CPUFeatures.amxBF16 { float32Only.append(KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16, bf16: .amx)) }
        for kernels in float32Only {
            #expect(try Executor(graph: graph, threads: 2, kernels: kernels).plan(batch: 1).bf16Values.isEmpty, "\(kernels)")
        }
    }

    /// Close to fp32 (a bf16 residual adds little to bf16's products), and the image prefix, which
    /// ends at a value stored as bf16, copies each image's bf16 values into the batch: each
    /// image's bits alone and batched.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "this CPU has no AVX512-BF16: the bf16 GEMM cannot run here"))
    func closeToFP32AndSameBitsBatched() throws {
        let graph = try Self.graph()
        let executor = Executor(graph: graph, threads: 2, kernels: Self.avx512BF16)
        let prefix = try #require(ImagePrefix.find(in: graph, bf16: true))
        #expect(try executor.plan(batch: 1).bf16Values.contains(prefix.boundary), "the prefix ends at a bf16 value")
        var f = TensorFactory(seed: 22)
        let batch = f.uniform([3, 28, 28, 8])
        let exact = try Executor(graph: graph, threads: 2, kernels: kernelsAt(.fp32)).run(["x": batch])["logits"]!.floats
        let together = try executor.run(["x": batch])["logits"]!.floats
        let error = relativeL2(together, exact.map(Double.init))
        #expect(error <= 2e-2 && error > 1e-6, "bf16 vs fp32 relative L2 \(error)")
        let per = 28 * 28 * 8
        for i in 0..<3 {
            let one = Tensor(shape: [1, 28, 28, 8], floats: Array(batch.floats[i * per..<(i + 1) * per]))
            let alone = try executor.run(["x": one])["logits"]!.floats
            #expect(alone.map(\.bitPattern) == Array(together[i * 10..<(i + 1) * 10]).map(\.bitPattern), "image \(i)")
        }
    }
}
