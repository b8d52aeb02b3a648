import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// A batched run computes the first layers image by image (ImagePrefix): where it cuts, and that
/// the results are the very bits of running each image alone.
@Suite struct ImagePrefixTests {
    static let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)

    /// stem 3x3 s2 - two inverted residual blocks (expand 1x1, depthwise 3x3, project 1x1, the
    /// second with a residual add) - a wide 1x1 - global pool - dense: MobileNetV2 in small.
    func mobileNetLike(stemOut: Int = 16, wide: Int = 64) throws -> Graph {
        var f = TensorFactory(seed: 5)
        var b = GraphBuilder(name: "mobile")
        let x = try b.input("x", shape: [1, 24, 24, 3])
        func conv(_ h: ValueID, _ k: Int, _ inC: Int, _ outC: Int, groups: Int = 1, stride: Int = 1, act: Activation, _ name: String) throws -> ValueID {
            try b.conv2d(h, weights: f.uniform([k, k, inC / groups, outC], -0.3...0.3), bias: f.uniform([outC], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(k, k), strides: Size2D(stride, stride), padding: k == 3 ? Self.same : .zero,
                                              groups: groups, activation: act), name: name)
        }
        var h = try conv(x, 3, 3, stemOut, stride: 2, act: .relu6, "stem")
        for block in 0..<2 {
            let input = h
            h = try conv(h, 1, stemOut, 4 * stemOut, act: .relu6, "b\(block)/expand")
            h = try conv(h, 3, 4 * stemOut, 4 * stemOut, groups: 4 * stemOut, act: .relu6, "b\(block)/depthwise")
            h = try conv(h, 1, 4 * stemOut, stemOut, act: .none, "b\(block)/project")
            if block == 1 { h = try b.add(.binary(.add), inputs: [input, h], name: "b1/add") }
        }
        h = try conv(h, 1, stemOut, wide, act: .relu6, "wide")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "pool")
        h = try b.dense(h, weights: f.uniform([wide, 10], -0.3...0.3), bias: f.uniform([10]), name: "logits")
        b.output(h)
        return b.build()
    }

    @Test func cutsWhereOneValueCrossesAndWeightsFit() throws {
        let g = try mobileNetLike()
        let prefix = try #require(ImagePrefix.find(in: g))
        // Not inside the residual block (its input is still live there): after "wide", before the pool.
        #expect(g.nodes[prefix.steps - 1].name == "wide", "\(g.nodes[prefix.steps - 1].name)")
        #expect(prefix.boundary == g.nodes[prefix.steps - 1].output)
        // A layer heavier than the budget ends the prefix before it.
        let heavy = try mobileNetLike(stemOut: 16, wide: ImagePrefix.weightBudget / 64 + 1)
        #expect(ImagePrefix.find(in: heavy).map { heavy.nodes[$0.steps - 1].name } == "b1/add")
        // At bf16 the same layer's weights count 2 bytes each, inside the budget.
        #expect(ImagePrefix.find(in: heavy, bf16: true).map { heavy.nodes[$0.steps - 1].name } == "wide")
        var fixed = g
        fixed.hasBatchDimension = false
        #expect(ImagePrefix.find(in: fixed) == nil)
    }

    /// Our kernels give an image the same bits at any batch size; BLAS (the portable path) may
    /// not, so there the batched run is only as close as rounding. The first batched run computes
    /// image 0 on both threads and the others one per thread; later runs all one per thread.
    @Test(arguments: [KernelOptions.default, KernelOptions.portable])
    func batchedRunGivesEachImagesBits(_ kernels: KernelOptions) throws {
        let exact = kernels.gemm == .avx512
        let g = GraphOptimizer.optimize(try mobileNetLike())
        #expect(ImagePrefix.find(in: g) != nil)
        var f = TensorFactory(seed: 9)
        let batch = f.uniform([5, 24, 24, 3])
        let executor = Executor(graph: g, threads: 2, kernels: kernels)
        let firstRun = try executor.run(["x": batch])["logits"]!.floats
        let secondRun = try executor.run(["x": batch])["logits"]!.floats
        let per = 24 * 24 * 3
        for i in 0..<5 {
            let one = Tensor(shape: [1, 24, 24, 3], floats: Array(batch.floats[i * per..<(i + 1) * per]))
            let alone = try executor.run(["x": one])["logits"]!.floats
            for (run, together) in [("first", firstRun), ("second", secondRun)] {
                let mine = Array(together[i * 10..<(i + 1) * 10])
                if exact {
                    #expect(mine.map(\.bitPattern) == alone.map(\.bitPattern), "image \(i), \(run) run [\(kernels)]")
                } else {
                    #expect(relativeL2(mine, alone) <= 1e-6, "image \(i), \(run) run [\(kernels)]")
                }
            }
        }
        // The profiler adds up a per-image step's images.
        let (_, times) = try executor.runProfiled(["x": batch])
        #expect(times.allSatisfy { $0 >= .zero })
    }
}
