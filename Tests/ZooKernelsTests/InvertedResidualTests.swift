import Testing
@testable import ZooKernels
import ZooTestSupport

/// MobileNetV2's block in one step (`InvertedResidual`): the same bits as its three layers one after
/// the other, whatever the thread count, across row tiles (held expanded rows), images and strides.
@Suite struct InvertedResidualTests {
    /// One block: the input, the expansion's channels (nil: none), the depthwise layer, the output.
    struct Block: CustomStringConvertible {
        var batch = 1, h = 30, w = 30, c = 8
        var expanded: Int? = 48
        var kernel = Size2D(3, 3), strides = Size2D.one
        var padding = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
        var outC = 8, residual = false

        var wide: Int { expanded ?? c }
        var expand: Conv2DGeometry? {
            expanded.map { Conv2DGeometry(batch: batch, inH: h, inW: w, inC: c, outC: $0,
                                          params: Conv2DParams(kernel: .one, activation: .relu6)) }
        }
        var depthwise: Conv2DGeometry {
            Conv2DGeometry(batch: batch, inH: h, inW: w, inC: wide, outC: wide,
                           params: Conv2DParams(kernel: kernel, strides: strides, padding: padding, groups: wide, activation: .relu6))
        }
        var project: Conv2DGeometry {
            let d = depthwise
            return Conv2DGeometry(batch: batch, inH: d.outH, inW: d.outW, inC: wide, outC: outC, params: Conv2DParams(kernel: .one))
        }
        var description: String { "n\(batch) \(h)x\(w)x\(c) -> \(expanded.map(String.init) ?? "-") k\(kernel) s\(strides) -> \(outC) res:\(residual)" }
    }

    static let blocks: [Block] = [
        // Stride 1 with the residual, a batch of two: 30 rows in tiles of 4, the last one short.
        Block(batch: 2, residual: true),
        // Stride 2 on odd sizes (the last window hangs over the bottom and right edges).
        Block(h: 57, w: 57, c: 8, expanded: 24, strides: Size2D(2, 2), outC: 12),
        // The first block: no expansion, the depthwise layer reads the input.
        Block(h: 28, w: 28, c: 16, expanded: nil, outC: 8),
        // EfficientNet's 5x5 stride 2 with TensorFlow's uneven padding, 33 columns (a 1-row tile).
        Block(h: 60, w: 66, c: 8, expanded: 32, kernel: Size2D(5, 5), strides: Size2D(2, 2),
              padding: Padding2D(top: 1, left: 1, bottom: 2, right: 2), outC: 16),
    ]

    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512)"), arguments: [false, true])
    func float32SameBitsAsLayerByLayer(_ panels: Bool) { check(.avx512, panels: panels) }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"))
    func bf16SameBitsAsLayerByLayer() { check(.avx512BF16, panels: false) }

    @Test(.enabled(if: CPUFeatures.amxBF16, "\(noAMX)"))
    func amxSameBitsAsLayerByLayer() { check(.amxBF16, panels: false) }

    @Test func smallMapsAndOtherKernelsRunLayerByLayer() {
        let b = Block(h: 13, w: 13)
        #expect(InvertedResidual(expand: b.expand, depthwise: b.depthwise, project: b.project, kernels: .avx512) == nil,
                "13x13: the layers split the weights")
        let big = Block()
        #expect(InvertedResidual(expand: big.expand, depthwise: big.depthwise, project: big.project, kernels: .portable) == nil)
        var grouped = big.project
        grouped.params.groups = 2
        #expect(InvertedResidual(expand: big.expand, depthwise: big.depthwise, project: grouped, kernels: .avx512) == nil)
    }

    func check(_ kernels: KernelOptions, panels: Bool) {
        for b in Self.blocks {
            guard let block = InvertedResidual(expand: b.expand, depthwise: b.depthwise, project: b.project, kernels: kernels) else {
                Issue.record("\(b) does not fuse")
                continue
            }
            var rng = SeededRandom(seed: 5)
            let input = rng.floats(b.batch * b.h * b.w * b.c)
            let expandWeights = rng.floats(b.c * b.wide), expandBias = rng.floats(b.wide)
            let depthwiseWeights = rng.floats(b.kernel.h * b.kernel.w * b.wide), depthwiseBias = rng.floats(b.wide)
            let projectWeights = rng.floats(b.wide * b.outC), projectBias = rng.floats(b.outC)
            let p = b.project
            let residual = b.residual ? rng.floats(p.batch * p.outH * p.outW * p.outC) : nil
            // Layer by layer.
            let wide = b.expand.map { runConv($0, input: input, weights: expandWeights, bias: expandBias, residual: nil, threads: 2,
                                              kernels: kernels) } ?? input
            let dw = runConv(b.depthwise, input: wide, weights: depthwiseWeights, bias: depthwiseBias, residual: nil, threads: 2,
                             kernels: kernels)
            let expected = runConv(p, input: dw, weights: projectWeights, bias: projectBias, residual: residual, threads: 2,
                                   kernels: kernels)
            for threads in [1, 2, 3] {
                let needed = block.scratchCount(threads: threads)
                var scratch = [Float](repeating: .nan, count: needed + 64)
                var got = [Float](repeating: .nan, count: expected.count)
                run(block, b, input: input, expand: (expandWeights, expandBias), depthwise: (depthwiseWeights, depthwiseBias),
                    project: (projectWeights, projectBias), residual: residual, output: &got, scratch: &scratch,
                    threads: threads, kernels: kernels, panels: panels)
                #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(b) \(threads) threads [\(kernels)] panels \(panels)")
                #expect(scratch.suffix(64).allSatisfy { $0.isNaN }, "wrote past its scratch")
            }
        }
    }

    /// The block with each 1x1 layer's weights as the executor prepares them for `kernels`.
    func run(_ block: InvertedResidual, _ b: Block, input: [Float], expand: ([Float], [Float]), depthwise: ([Float], [Float]),
             project: ([Float], [Float]), residual: [Float]?, output: inout [Float], scratch: inout [Float], threads: Int,
             kernels: KernelOptions, panels: Bool) {
        func pointwise(_ w: UnsafePointer<Float>, depth: Int, columns: Int) -> PointwiseWeights {
            let bf16 = kernels.precision == .bf16
            return PointwiseWeights(float32: w, bf16: bf16 ? BF16Weights(weights: w, depth: depth, groupColumns: columns) : nil,
                                    panels: panels ? FP32Panels(weights: w, depth: depth, columns: columns) : nil)
        }
        expand.0.withUnsafeBufferPointer { ew in
            project.0.withUnsafeBufferPointer { pw in
                withOptionalPointer(residual) { r in
                    block.run(input: input, expandWeights: b.expanded == nil ? nil : pointwise(ew.baseAddress!, depth: b.c, columns: b.wide),
                              expandBias: expand.1, depthwiseWeights: depthwise.0, depthwiseBias: depthwise.1,
                              projectWeights: pointwise(pw.baseAddress!, depth: b.wide, columns: b.outC), projectBias: project.1,
                              residual: r, output: &output, scratch: &scratch, threads: threads, kernels: kernels)
                }
            }
        }
    }
}
